#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# schema-files.pl: docs/schema.md, rules/acct2syslog.rulebase and the
# Splunk add-on's .conf files against the table of common/schema.h, as
# tools/schema-dump prints it.  Prints TAP.
#
#	perl schema-files.pl DUMP docs/schema.md RULEBASE ADDON_DEFAULT_DIR
use strict;
use warnings;

my ($dump, $doc, $rulebase, $addon) = @ARGV;
my (@kv, %field, %journal, %place, @events, %layout);
my $n = 0;
my $failed = 0;

sub result {
	my ($ok, $what, @why) = @_;
	$n++;
	print $ok ? 'ok' : 'not ok', " $n - $what\n";
	$failed++ unless $ok;
	return if $ok;
	@why = (@why[0 .. 9], '... ' . (@why - 10) . ' more') if @why > 11;
	print "# $_\n" for @why;
}

sub slurp {
	my ($path) = @_;
	open my $fh, '<', $path or die "$path: $!\n";
	local $/;
	return scalar <$fh>;
}

# Are the lists the same, in order?  The differences otherwise.
sub same_list {
	my ($got, $want) = @_;
	my $g = join ' ', @$got;
	my $w = join ' ', @$want;
	return $g eq $w ? () : ("got:  $g", "want: $w");
}

for (split /\n/, slurp($dump)) {
	my @w = split / /;
	if ($w[0] eq 'field') {
		my (undef, $name, $j, $json, $type, $in) = @w;
		push @kv, $name;
		$field{$name} = { journal => $j, json => $json, type => $type,
		    in => $in };
		$journal{$j} = $name;
		$place{$json} = $name;
		$place{"acct.$name"} //= $name;
	} elsif ($w[0] eq 'json') {
		$place{$w[1]} = $w[1];
	} elsif ($w[0] eq 'layout') {
		push @{$layout{$w[1]}}, $w[2];
	} elsif ($w[0] eq 'event') {
		push @events, $w[1];
	}
}
my @record = grep { $field{$_}{in} ne 'control' } @kv;
my @control = grep { $field{$_}{in} ne 'record' } @kv;
my @control_events = grep { $_ ne 'process_end' } @events;
my %is_event = map { $_ => 1 } @events;

# docs/schema.md: its sections and their tables.
my %section;
my $cur = '';
for (split /\n/, slurp($doc)) {
	$cur = $1, next if /^## (.*)/;
	push @{$section{$cur}}, $_;
}
# The first cells of the table rows of a section, a list per row.
sub first_cells {
	my ($name, $header) = @_;
	my (@rows, $in);
	for (@{$section{$name} // []}) {
		if (!/^\|/) {
			$in = 0;
			next;
		}
		my @cells = map { s/^\s+|\s+\z//gr } split /\|/, substr($_, 1);
		if (!$in) {
			$in = $cells[0] eq $header;
			next;
		}
		next if $cells[0] =~ /^[-:]+\z/;
		push @rows, [$cells[0] =~ /`([^`]+)`/g];
	}
	return @rows;
}

my @doc_fields = map { @$_ } first_cells('Fields', 'field');
result(!same_list(\@doc_fields, \@record), 'docs/schema.md: the fields '
    . 'table names the record fields of the table, in its order',
    same_list(\@doc_fields, \@record));
my @doc_control = map { @$_ } first_cells('Control events', 'field');
result(!same_list(\@doc_control, \@control), 'docs/schema.md: the control '
    . 'events\' fields table names theirs, in order',
    same_list(\@doc_control, \@control));
my @doc_events = map { $_->[0] } first_cells('Control events', 'event');
my @ids = grep { $_ ne 'process_end' } map { $_->[0] }
    first_cells('Control events', 'event');
result(!same_list([@doc_events[0 .. $#control_events]], \@control_events),
    'docs/schema.md: the control events, in order',
    same_list([@doc_events[0 .. $#control_events]], \@control_events));

# The JSON table: every path it names is a place of the table; every place
# of the record layout is named there; the kv fields it maps to exist.
my (%doc_json, @bad_json, @bad_kv);
for (@{$section{'JSON encoding'}}) {
	next unless /^\|/;
	my @cells = split /\|/, substr($_, 1);
	next if @cells < 2 || $cells[0] =~ /^\s*JSON\s*$/;
	# "`event.kind` = `event`": a path and its value.
	(my $paths = $cells[0]) =~ s/=\s*`[^`]*`//g;
	for my $p ($paths =~ /`([^`]+)`/g) {
		$doc_json{$p} = 1;
		push @bad_json, $p unless exists $place{$p};
	}
	for my $name ($cells[1] =~ /`([^`]+)`/g) {
		push @bad_kv, $name unless $field{$name};
	}
}
my @missing = grep { !$doc_json{$_} } @{$layout{record}};
result(!@bad_json && !@missing, 'docs/schema.md: the JSON table and the '
    . 'record layout name the same members', (map { "not in the table: $_" }
    @bad_json), map { "not in the docs: $_" } @missing);
result(!@bad_kv, 'docs/schema.md: the kv fields of the JSON table exist',
    @bad_kv);

my @bad_journal = grep { $_ ne 'ACCT_' && !$journal{$_} }
    slurp($doc) =~ /`(ACCT_[A-Z_]*)`/g;
result(!@bad_journal, 'docs/schema.md: every ACCT_ field it names is a '
    . 'journal field of the table', @bad_journal);

# The rulebase: every field a rule captures is a kv field, in the order of
# the table; together the rules capture every field.
my (%captured, @unknown, @order);
for my $line (split /\n/, slurp($rulebase)) {
	next unless $line =~ /^(rule|type)=/;
	my @names;
	while ($line =~ /%([a-z_]+):|"name":"([a-z_]+)"/g) {
		my $name = $1 // $2;
		next if $name eq 'rest';
		push @names, $name unless @names && $names[-1] eq $name;
	}
	my $last = -1;
	for my $name (@names) {
		my ($i) = grep { $kv[$_] eq $name } 0 .. $#kv;
		if (!defined $i) {
			push @unknown, $name;
			next;
		}
		$captured{$name} = 1;
		push @order, "$name after $kv[$last]" if $i < $last &&
		    $line =~ /^rule=/;
		$last = $i;
	}
}
my @uncaptured = grep { !$captured{$_} } @kv;
result(!@unknown, 'rulebase: every field it captures is a kv field',
    @unknown);
result(!@order, 'rulebase: each rule has the fields in the table\'s order',
    @order);
result(!@uncaptured, 'rulebase: every kv field of the table is captured',
    @uncaptured);

# The Splunk add-on: every field it reads is a kv field; its event types
# name the events of the table.
my (@read, @bad_events);
for my $conf (glob "$addon/*.conf") {
	for (split /\n/, slurp($conf)) {
		next if /^\s*(#|\[|$)/;
		my ($key, $value) = /^\s*(\S+)\s*=\s*(.*?)\s*$/ or next;
		if ($key =~ /^FIELDALIAS-/) {
			push @read, $value =~ /(\S+)\s+AS\s+/g;
		} elsif ($key =~ /^EVAL-/) {
			(my $v = $value) =~ s/"[^"]*"//g;
			push @read, grep { !/^(if|null|case|coalesce)\z/ }
			    $v =~ /\b([a-z_]+)\b(?!\s*\()/g;
		} elsif ($key eq 'TIME_PREFIX' || $key eq 'REGEX') {
			push @read, 'end_time', 'time' if $value =~
			    /\Q(?:end_)?time="\E/;
			push @read, $1 while $value =~ /\\s([a-z_]+)="/g;
		} elsif ($key eq 'search') {
			push @read, $value =~ /\b([a-z_]+)\s*(?:=|IN\b)/g;
			push @bad_events, grep { !$is_event{$_} }
			    $value =~ /"([a-z_]+)"/g;
			my @in = $value =~ /IN\s*\(([^)]*)\)/ ?
			    ($1 =~ /"([a-z_]+)"/g) : ();
			push @bad_events, same_list(\@in, \@control_events)
			    if @in;
		}
	}
}
my @bad_read = grep { !$field{$_} && $_ ne 'sourcetype' } @read;
result(@read && !@bad_read, 'Splunk add-on: every field it reads ('
    . scalar(@read) . ') is a kv field of the table', @bad_read);
result(!@bad_events, 'Splunk add-on: its event types name the table\'s '
    . 'events, all the control events', @bad_events);

print "1..$n\n";
exit($failed ? 1 : 0);
