#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# splunk-addon.pl: the checks of splunk-addon.sh (which makes the data and
# runs this).  Prints one result a line: "ok<TAB>what", "not ok<TAB>what",
# then "diag<TAB>why" lines; the shell turns them into TAP.
#
#	perl splunk-addon.pl addon=DIR schema=docs/schema.md \
#	    central=contrib/rsyslog/central.conf makefile=Makefile.am \
#	    version=0.1.0 manifest=FILE
#
# The manifest has a line for each set of messages: NAME, KIND, the kv
# file, the JSON file of the same messages, and the file rsyslog wrote
# with them ("-" when there is none), separated by tabs.  KIND "daemon":
# the kv and JSON come from two runs of acct2syslog from the same state,
# so control events differ in their time of writing; "fixed": identical.
use strict;
use warnings;
use JSON::PP ();
use Time::Local qw(timegm);

my %arg = map { /^([^=]+)=(.*)\z/s ? ($1, $2) : die "bad argument: $_\n" }
    @ARGV;
my $json = JSON::PP->new->utf8;
my $json_nonref = JSON::PP->new->allow_nonref;

# The CIM Endpoint data model, dataset Processes (Splunk CIM 5): the
# fields an add-on may extract, alias or calculate.  (dest_bunit,
# dest_category, dest_is_expected, dest_priority, dest_requires_av,
# dest_should_timesync, dest_should_update, user_bunit, user_category,
# user_priority and cim_entity_zone come from Enterprise Security's asset
# and identity correlation, tag from Splunk: add-ons leave them alone.)
my %CIM_PROCESSES = map { $_ => 1 } qw(action cpu_load_percent dest
    loaded_file mem_used original_file_name os parent_process
    parent_process_exec parent_process_guid parent_process_hash
    parent_process_id parent_process_name parent_process_path parent_user
    process process_current_directory process_exec process_guid
    process_hash process_id process_integrity_level process_name
    process_path user user_id vendor_product);
# The data set's constraint: tag=process tag=report.
my @CIM_PROCESSES_TAGS = qw(process report);
# Fields of every Splunk event, which searches may use.
my %SPLUNK_FIELDS = map { $_ => 1 } qw(_time host source sourcetype index
    eventtype tag);

# Where each kv field is in the JSON of the same message (docs/schema.md,
# "JSON encoding").  JSON members that have no kv field of their own:
# @timestamp (end_time, or time), event.kind, event.category, event.type,
# event.duration (elapsed in ns), log.level, acct.event (event).
my %JSON_RECORD = (event => 'event.action', process_name => 'process.name',
    process_id => 'process.pid', parent_process_id => 'process.parent.pid',
    user => 'user.name', user_id => 'user.id', group => 'group.name',
    group_id => 'group.id', exit_code => 'process.exit_code',
    start_time => 'event.start', end_time => 'event.end',
    host => 'host.name', event_id => 'event.id',
    map { $_ => "acct.$_" } qw(tty signal core_dumped flags elapsed cpu_user
    cpu_sys mem_kib minflt majflt io_chars io_blocks swaps acct_version
    stream seq schema));
my %JSON_CONTROL = (event => 'event.action', message => 'message',
    time => '@timestamp', host => 'host.name', event_id => 'event.id',
    map { $_ => "acct.$_" } qw(file new_file offset bytes records seq_from
    seq_to free_percent stream seq schema));
my %JSON_ONLY = map { $_ => 1 } qw(@timestamp event.kind event.category
    event.type event.duration log.level acct.event);

# The longest syslog header rsyslog's RSYSLOG_FileFormat puts in front of
# a message: an RFC 3339 time with microseconds and offset (32), a host
# name (255), "acct2syslog[PID]:" (21), blanks (3).  A kv line is under
# 1 KiB (docs/schema.md).
my $LINE_MAX = 1024 + 32 + 255 + 21 + 3;

sub result {
	my ($ok, $what, @why) = @_;
	print $ok ? 'ok' : 'not ok', "\t$what\n";
	return if $ok;
	@why = (@why[0 .. 9], '... ' . (@why - 10) . ' more') if @why > 11;
	for (@why) {
		(my $line = $_) =~ s/[\t\n]/ /g;
		print "diag\t$line\n";
	}
}

sub slurp {
	my ($path) = @_;
	open my $fh, '<', $path or die "$path: $!\n";
	local $/;
	return scalar <$fh>;
}

# A Splunk .conf file: { stanza => { key => value } }.  A key twice in a
# stanza, a stanza twice or a line that is not "key = value" is an error.
sub read_conf {
	my ($path) = @_;
	my (%conf, $stanza);
	$stanza = 'default';
	open my $fh, '<', $path or die "$path: $!\n";
	while (my $line = <$fh>) {
		chomp $line;
		next if $line =~ /^\s*(?:#|\z)/;
		if ($line =~ /^\[(.*)\]\s*\z/) {
			$stanza = $1;
			die "$path:$.: [$stanza] twice\n" if $conf{$stanza};
			$conf{$stanza} = {};
			next;
		}
		$line =~ /^\s*([^=\s][^=]*?)\s*=\s*(.*?)\s*\z/
		    or die "$path:$.: not key = value: $line\n";
		die "$path:$.: $1 twice in [$stanza]\n"
		    if exists $conf{$stanza}{$1};
		$conf{$stanza}{$1} = $2;
	}
	return \%conf;
}

# The tables of a markdown text: [ header cells, rows of cells ].
sub md_tables {
	my (@lines) = @_;
	my (@tables, $t);
	for my $i (0 .. $#lines) {
		my $l = $lines[$i];
		if ($l !~ /^\|/) {
			$t = undef;
			next;
		}
		my @cells = map { s/^\s+|\s+\z//gr } split /\|/, substr($l, 1);
		if (!$t) {
			next unless ($lines[$i + 1] // '') =~ /^\|[-:| ]+\|?\s*\z/;
			$t = [\@cells, []];
			push @tables, $t;
		} elsif ($l !~ /^\|[-:| ]+\|?\s*\z/) {
			push @{$t->[1]}, \@cells;
		}
	}
	return @tables;
}

sub ticked { return $_[0] =~ /`([^`]+)`/g }

# docs/schema.md: the fields of a record with their types (the "Fields"
# table), the fields of control events, the event names.
sub read_schema {
	my ($path) = @_;
	my (%section, $current);
	$current = '';
	for (split /\n/, slurp($path)) {
		if (/^## (.*)/) {
			$current = $1;
			next;
		}
		push @{$section{$current}}, $_;
	}
	my %s = (type => {}, control_field => {}, events => {},
	    control_events => {});
	for my $t (md_tables(@{$section{Fields} || []})) {
		next unless $t->[0][0] eq 'field' && $t->[0][1] eq 'type';
		for my $row (@{$t->[1]}) {
			for my $name (ticked($row->[0])) {
				$s{type}{$name} = $row->[1] =~ /^string/ ?
				    'string' : 'number';
				$s{events}{$_} = 1
				    for $name eq 'event' ? ticked($row->[2]) : ();
			}
		}
	}
	for my $t (md_tables(@{$section{'Control events'} || []})) {
		my $head = join '|', @{$t->[0]}[0, 1];
		for my $row (@{$t->[1]}) {
			my @names = ticked($row->[0]);
			if ($head eq 'field|meaning') {
				$s{control_field}{$_} = 1 for @names;
			} elsif ($head eq 'event|priority') {
				$s{control_events}{$_} = 1 for @names;
				$s{events}{$_} = 1 for @names;
			}
		}
	}
	$s{field} = { %{$s{type}}, %{$s{control_field}} };
	die "$path: no Fields table\n" unless keys %{$s{type}} >= 20;
	die "$path: no control events\n" unless keys %{$s{control_events}};
	return \%s;
}

# Splunk's KV_MODE = auto_escaped: key=value pairs; a value in double
# quotes runs to the first quote that is not escaped, and in it \" and \\
# are the only escapes (any other backslash is kept); a value without
# quotes runs to the next blank.  Words before the first pair (a syslog
# header) are skipped.  Returns the pairs [key, value, quoted], the
# skipped words, and an error when the line is not all pairs after them.
# $naive: a reader that knows no escapes at all.
sub auto_escaped {
	my ($s, $naive) = @_;
	my (@pairs, @skipped);
	pos($s) = 0;
	while (pos($s) < length $s) {
		next if $s =~ /\G\s+/gc;
		if ($s =~ /\G([A-Za-z_][A-Za-z0-9_]*)=/gc) {
			my $key = $1;
			if ($s !~ /\G"/gc) {
				$s =~ /\G(\S*)/gc;
				push @pairs, [$key, $1, 0];
				next;
			}
			my $value = '';
			for (;;) {
				if (!$naive && $s =~ /\G\\(["\\])/gc) {
					$value .= $1;
				} elsif ($s =~ /\G"/gc) {
					last;
				} elsif ($s =~ /\G([^"\\]+|\\)/gc) {
					$value .= $1;
				} else {
					return (undef, undef,
					    "$key: no closing quote");
				}
			}
			return (undef, undef, "$key: no blank after its value")
			    if $s =~ /\G(?=\S)/gc;
			push @pairs, [$key, $value, 1];
			next;
		}
		$s =~ /\G(\S+)/gc;
		return (undef, undef, "'$1' is not key=value") if @pairs;
		push @skipped, $1;
	}
	return (\@pairs, join(' ', @skipped), undef);
}

# { "a.b.c" => [value, is a JSON string] } for the leaves of a JSON object
# (arrays are leaves).
sub flatten {
	my ($node, $prefix, $out) = @_;
	$out //= {};
	for my $k (keys %$node) {
		my $v = $node->{$k};
		my $path = defined $prefix ? "$prefix.$k" : $k;
		if (ref $v eq 'HASH') {
			flatten($v, $path, $out);
		} else {
			my $string = !ref $v &&
			    $json_nonref->encode($v) =~ /^"/ ? 1 : 0;
			$out->{$path} = [$v, $string];
		}
	}
	return $out;
}

sub show_json {
	my ($v) = @_;
	return JSON::PP::is_bool($v) ? ($v ? 'true' : 'false') :
	    ref $v ? $json_nonref->encode($v) : "$v";
}

# Is the kv value the JSON value?  Strings: the same bytes (the JSON
# decoded, encoded as UTF-8 again).  Numbers: the same number (a string
# of digits for the ids, which ECS makes strings; true/false for 1/0).
sub same_value {
	my ($v, $quoted, $j) = @_;
	if (JSON::PP::is_bool($j)) {
		return !$quoted && $v =~ /^[01]\z/ && $v == ($j ? 1 : 0);
	}
	return 0 if ref $j;
	if ($quoted) {
		my $bytes = $j;
		utf8::encode($bytes);
		return $bytes eq $v;
	}
	return 0 unless $v =~ /^\d+(?:\.\d{3})?\z/ &&
	    "$j" =~ /^\d+(?:\.\d+)?(?:e[-+]?\d+)?\z/i;
	return $v =~ /\./ ? $v == $j : $v eq "$j";
}

sub epoch {
	my ($t) = @_;
	my @f = $t =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z\z/
	    or return undef;
	return timegm($f[5], $f[4], $f[3], $f[2], $f[1] - 1, $f[0]) +
	    $f[6] / 1e6;
}

# A Splunk TIME_FORMAT (the strptime subset it uses) as a regex.
sub time_format_regex {
	my ($format) = @_;
	my %conv = (Y => '\d{4}', m => '\d{2}', d => '\d{2}', H => '\d{2}',
	    M => '\d{2}', S => '\d{2}', '6N' => '\d{6}', '3N' => '\d{3}',
	    '%' => '%');
	my $re = '';
	while (length $format) {
		if ($format =~ s/^%(6N|3N|[YmdHMS%])//) {
			$re .= $conv{$1};
		} elsif ($format =~ s/^%//) {
			die "TIME_FORMAT: a directive this test does not know: %"
			    . substr($format, 0, 1) . "\n";
		} else {
			$format =~ s/^(.)//s;
			$re .= quotemeta $1;
		}
	}
	return qr/^($re)/;
}

# The field names an eval expression reads.
sub eval_fields {
	my ($e) = @_;
	my @fields;
	$e =~ s/"(?:[^"\\]|\\.)*"/ /g;
	push @fields, $1 while $e =~ s/'((?:[^'\\]|\\.)*)'/ /;
	while ($e =~ /([A-Za-z_][A-Za-z0-9_.]*)(\s*\()?/g) {
		next if defined $2;
		next if $1 =~ /^(?:AND|OR|NOT|XOR|LIKE|IN|true|false|null)\z/i;
		push @fields, $1;
	}
	return @fields;
}

sub unquote { my ($v) = @_; $v =~ s/^"(.*)"\z/$1/s; return $v }

sub set_eq {
	my ($a, $b) = @_;
	return join("\0", sort keys %$a) eq join("\0", sort keys %$b);
}

# --- The add-on ---------------------------------------------------------

my $addon = $arg{addon};
my $schema = read_schema($arg{schema});
my %conf;
for my $name (qw(app props transforms eventtypes tags)) {
	$conf{$name} = read_conf("$addon/default/$name.conf");
}
$conf{meta} = read_conf("$addon/metadata/default.meta");
my $props = $conf{props};
my @stanzas = grep { $_ ne 'default' } keys %$props;
result(@stanzas == 1, 'props.conf has one source type',
    "stanzas: @stanzas");
my $sourcetype = $stanzas[0] // '';
my $p = $props->{$sourcetype} || {};

# --- The messages -------------------------------------------------------

my (@sets, %emitted);
open my $mf, '<', $arg{manifest} or die "$arg{manifest}: $!\n";
while (<$mf>) {
	chomp;
	my ($name, $kind, $kv, $jsonfile, $log) = split /\t/;
	my $set = { name => $name, kind => $kind, kv => $kv, log => $log,
	    lines => [], json => {} };
	open my $fh, '<', $kv or die "$kv: $!\n";
	while (my $line = <$fh>) {
		chomp $line;
		push @{$set->{lines}}, $line;
	}
	open $fh, '<', $jsonfile or die "$jsonfile: $!\n";
	while (my $line = <$fh>) {
		my $o = $json->decode($line);
		my $id = $o->{event}{id} // die "$jsonfile:$.: no event.id\n";
		die "$jsonfile:$.: event.id $id twice\n" if $set->{json}{$id};
		$set->{json}{$id} = $o;
	}
	push @sets, $set;
}

# Parse every kv line; pair it with the JSON of the same event id.
my ($n_lines, @pair_bad, @parse_bad, @naive_differs) = (0);
for my $set (@sets) {
	my %seen;
	for my $i (0 .. $#{$set->{lines}}) {
		my $line = $set->{lines}[$i];
		my $where = "$set->{name}:" . ($i + 1);
		$n_lines++;
		my ($pairs, $skipped, $err) = auto_escaped($line);
		if ($err || $skipped ne '') {
			push @parse_bad, "$where: " . ($err // "'$skipped' "
			    . 'before the first pair');
			next;
		}
		my %kv;
		for (@$pairs) {
			push @parse_bad, "$where: $_->[0] twice"
			    if exists $kv{$_->[0]};
			$kv{$_->[0]} = $_;
			$emitted{$_->[0]} = 1;
		}
		my $id = $kv{event_id} ? $kv{event_id}[1] : '';
		my $o = $set->{json}{$id};
		if (!$o || $seen{$id}++) {
			push @pair_bad, "$where: event_id '$id' "
			    . ($o ? 'twice' : 'not in the JSON');
			next;
		}
		push @{$set->{parsed}},
		    { where => $where, line => $line, kv => \%kv,
		    pairs => $pairs, json => $o };
		my ($naive) = auto_escaped($line, 1);
		push @naive_differs, $where if !$naive || join("\0",
		    map { @$_ } @$naive) ne join("\0", map { @$_ } @$pairs);
	}
	for my $id (sort keys %{$set->{json}}) {
		push @pair_bad, "$set->{name}: event.id $id not in the kv lines"
		    unless $seen{$id};
	}
}
my $n_sets = @sets;
result(!@pair_bad && $n_lines > 0,
    "$n_lines kv lines in $n_sets sets, each with its JSON object "
    . '(the same event ids, once each)', @pair_bad);

# (a) Every field the add-on reads is in the schema and in what
# acct2syslog writes.
sub known_field {
	my ($f) = @_;
	return $schema->{field}{$f} && $emitted{$f};
}
my (@read, @wrote, @bad);
for my $key (sort keys %$p) {
	my $v = $p->{$key};
	if ($key =~ /^FIELDALIAS-/) {
		pos($v) = 0;
		while ($v =~ /\G\s*(\S+)\s+AS(?:NEW)?\s+(\S+)/gci) {
			push @read, [$key, $1];
			push @wrote, [$key, $2];
		}
		push @bad, "$key: not 'field AS alias ...': $v"
		    if $v !~ /\G\s*\z/gc;
	} elsif ($key =~ /^EVAL-(.+)/) {
		push @wrote, [$key, $1];
		push @read, [$key, $_] for eval_fields($v);
	}
}
push @bad, map { "$_->[0] reads $_->[1]: "
    . ($schema->{field}{$_->[1]} ? 'acct2syslog did not write it here' :
    'not in docs/schema.md') } grep { !known_field($_->[1]) } @read;
my %uniq;
result(@read && !@bad, 'props.conf reads fields of the schema only: '
    . join(' ', grep { !$uniq{$_}++ } map { $_->[1] } @read), @bad);

@bad = map { "$_->[0] makes $_->[1], not a field of CIM Endpoint.Processes" }
    grep { !$CIM_PROCESSES{$_->[1]} } @wrote;
push @bad, map { "$_->[0] overwrites $_->[1], a field of the message" }
    grep { $schema->{field}{$_->[1]} } @wrote;
result(@wrote && !@bad, 'its aliases and calculated fields are CIM '
    . 'Endpoint.Processes fields, none of the message: '
    . join(' ', map { $_->[1] } @wrote), @bad);

# eventtypes.conf: the fields its searches use, and their values.
my (%event_values, %sourcetypes);
@bad = ();
for my $et (sort grep { $_ ne 'default' } keys %{$conf{eventtypes}}) {
	my $search = $conf{eventtypes}{$et}{search};
	if (!defined $search) {
		push @bad, "[$et] has no search";
		next;
	}
	my %uses;
	while ($search =~ /([A-Za-z_]\w*)\s*(!?=)\s*("(?:[^"\\]|\\.)*"|[^\s()]+)/g) {
		push @{$uses{$1}}, unquote($3);
		push @bad, "[$et]: $1$2: only = and IN here" if $2 ne '=';
	}
	while ($search =~ /([A-Za-z_]\w*)\s+IN\s*\(([^)]*)\)/gi) {
		my ($f, $list) = ($1, $2);
		push @{$uses{$f}}, map { unquote($_) } grep { length }
		    split /\s*,\s*/, $list =~ s/^\s+|\s+\z//gr;
	}
	for my $f (sort keys %uses) {
		push @bad, "[$et] searches $f, not a field of the schema "
		    . '(or not written here)'
		    unless $SPLUNK_FIELDS{$f} || known_field($f);
	}
	$sourcetypes{$_} = 1 for @{$uses{sourcetype} || []};
	$event_values{$et} = { map { $_ => 1 } @{$uses{event} || []} };
	push @bad, "[$et] does not say which events" unless @{$uses{event} || []};
}
push @bad, 'sourcetypes searched: ' . join(' ', sort keys %sourcetypes)
    . ", props.conf's: $sourcetype"
    unless set_eq(\%sourcetypes, { $sourcetype => 1 });
result(!@bad, 'eventtypes.conf searches fields of the schema and the '
    . "source type $sourcetype", @bad);

my ($et_process) = grep { set_eq($event_values{$_}, { process_end => 1 }) }
    sort keys %event_values;
my ($et_control) = grep { set_eq($event_values{$_},
    $schema->{control_events}) } sort keys %event_values;
@bad = ();
push @bad, 'no event type of event="process_end" alone' unless $et_process;
push @bad, 'no event type of exactly the control events of the schema ('
    . join(' ', sort keys %{$schema->{control_events}}) . ')'
    unless $et_control;
for my $et (sort keys %event_values) {
	push @bad, "[$et] names an event the schema does not have: $_"
	    for grep { !$schema->{events}{$_} } sort keys %{$event_values{$et}};
}
result(!@bad, 'an event type for process_end ('
    . ($et_process // '?') . '), one for all ' .
    keys(%{$schema->{control_events}}) . ' control events ('
    . ($et_control // '?') . ')', @bad);

@bad = ();
my %tagged;
for my $st (sort grep { $_ ne 'default' } keys %{$conf{tags}}) {
	if ($st !~ /^eventtype=(.+)\z/ || !$conf{eventtypes}{$1}) {
		push @bad, "tags.conf: [$st] is no event type of eventtypes.conf";
		next;
	}
	$tagged{$1} = { map { $_ => 1 } grep { $conf{tags}{$st}{$_} eq
	    'enabled' } keys %{$conf{tags}{$st}} };
}
push @bad, "$et_process is tagged " . join(' ', sort keys
    %{$tagged{$et_process} || {}}) . ", not @CIM_PROCESSES_TAGS"
    if $et_process && !set_eq($tagged{$et_process} || {},
    { map { $_ => 1 } @CIM_PROCESSES_TAGS });
for my $et (grep { !$et_process || $_ ne $et_process } sort keys %tagged) {
	push @bad, "$et is tagged $_ too: it would be in Endpoint.Processes"
	    for grep { $tagged{$et}{$_} } @CIM_PROCESSES_TAGS;
}
result(!@bad, 'tags.conf: process and report on '
    . ($et_process // 'no event type') . ' only', @bad);

# The host transform: the field it reads.
my @transforms = map { s/^\s+|\s+\z//gr } map { split /,/, $p->{$_} }
    grep { /^TRANSFORMS-/ } sort keys %$p;
@bad = ();
my %host_re;
for my $t (@transforms) {
	my $st = $conf{transforms}{$t};
	if (!$st) {
		push @bad, "props.conf uses transform $t, not in transforms.conf";
		next;
	}
	(my $plain = $st->{REGEX} // '') =~ s/\\.//g;
	my @fields = $plain =~ /([A-Za-z_]\w*)="/g;
	push @bad, "[$t] reads $_, not a field of the schema"
	    for grep { !known_field($_) } @fields;
	push @bad, "[$t] reads no field of the message" unless @fields;
	if (($st->{DEST_KEY} // '') eq 'MetaData:Host') {
		push @bad, "[$t]: FORMAT is not host::\$1"
		    unless ($st->{FORMAT} // '') eq 'host::$1';
		$host_re{$t} = qr/$st->{REGEX}/;
	}
}
result(@transforms && !@bad, 'transforms.conf reads fields of the schema: '
    . join(' ', @transforms), @bad);

# Settings.
@bad = ();
push @bad, "KV_MODE is not auto_escaped" unless ($p->{KV_MODE} // '') eq
    'auto_escaped';
push @bad, "SHOULD_LINEMERGE is not false" unless ($p->{SHOULD_LINEMERGE}
    // '') =~ /^(?:false|0)\z/i;
push @bad, "TZ is not UTC" unless ($p->{TZ} // '') eq 'UTC';
push @bad, "TRUNCATE is not at least $LINE_MAX (a kv line and a syslog "
    . 'header)' unless ($p->{TRUNCATE} // 0) =~ /^\d+\z/ &&
    $p->{TRUNCATE} >= $LINE_MAX;
push @bad, "no TIME_PREFIX, TIME_FORMAT or MAX_TIMESTAMP_LOOKAHEAD"
    unless defined $p->{TIME_PREFIX} && defined $p->{TIME_FORMAT} &&
    ($p->{MAX_TIMESTAMP_LOOKAHEAD} // '') =~ /^\d+\z/;
push @bad, "no LINE_BREAKER with a group" unless ($p->{LINE_BREAKER} // '')
    =~ /\(/;
result(!@bad, "[$sourcetype]: KV_MODE auto_escaped, one line an event, "
    . 'UTC, TRUNCATE ' . ($p->{TRUNCATE} // '?'), @bad);

# (b) Every line, read the way auto_escaped reads it, gives the values of
# its JSON object, field for field, none missing or left over.
@bad = @parse_bad;
for my $set (@sets) {
	for my $m (@{$set->{parsed} || []}) {
		my $kv = $m->{kv};
		my $control = $kv->{event} && $kv->{event}[1] ne 'process_end';
		my $map = $control ? \%JSON_CONTROL : \%JSON_RECORD;
		my $leaf = flatten($m->{json});
		my %used;
		for my $pair (@{$m->{pairs}}) {
			my ($k, $v, $quoted) = @$pair;
			my $path = $map->{$k};
			if (!$path || !$leaf->{$path}) {
				push @bad, "$m->{where}: $k has no JSON "
				    . ($path ? "member $path" : 'counterpart');
				next;
			}
			$used{$path} = 1;
			my ($j, $jstring) = @{$leaf->{$path}};
			my $string = $schema->{type}{$k} ?
			    $schema->{type}{$k} eq 'string' : $jstring;
			push @bad, "$m->{where}: $k is " . ($quoted ? '' : 'not ')
			    . 'quoted, but ' . ($string ? 'a string' : 'a number')
			    if $quoted != $string;
			if ($k eq 'time' && $set->{kind} eq 'daemon') {
				push @bad, "$m->{where}: time '$v', JSON '$j'"
				    unless near_time($v, $j, $m->{line});
				next;
			}
			push @bad, "$m->{where}: $k: auto_escaped reads '$v', "
			    . "the JSON has '" . show_json($j) . "'"
			    unless same_value($v, $quoted, $j);
		}
		for my $path (sort keys %$leaf) {
			next if $used{$path} || $JSON_ONLY{$path};
			push @bad, "$m->{where}: JSON $path is not in the kv line";
		}
		if ($control) {
			push @bad, "$m->{where}: JSON acct.event is not event"
			    unless ($m->{json}{acct}{event} // '') eq $kv->{event}[1];
		} else {
			push @bad, "$m->{where}: JSON \@timestamp is not end_time"
			    unless $kv->{end_time} && ($m->{json}{'@timestamp'}
			    // '') eq $kv->{end_time}[1];
		}
	}
}
result(!@bad, "auto_escaped reads each of the $n_lines lines to the values "
    . 'of its JSON object, field for field', @bad);
result(@naive_differs > 0, 'the lines need the escapes: a reader without '
    . 'them gets ' . @naive_differs . ' lines wrong',
    'every line reads the same without \" and \\\\: the data proves little');

# (c) TIME_PREFIX, MAX_TIMESTAMP_LOOKAHEAD and TIME_FORMAT find the
# message's time: end_time of a record, time of a control event.  Applied
# to the lines alone and to the lines rsyslog wrote (with their header).
my $time_prefix = eval { qr/$p->{TIME_PREFIX}/ };
my $time_err = $@;
my $format_re = eval { time_format_regex($p->{TIME_FORMAT}) };
$time_err ||= $@;
my $lookahead = $p->{MAX_TIMESTAMP_LOOKAHEAD} // 0;
sub splunk_time {
	my ($line) = @_;
	return (undef, 'TIME_PREFIX does not match') unless $line =~ $time_prefix;
	my $end = $+[0];
	my ($key) = substr($line, 0, $end) =~ /([A-Za-z_]\w*)="\z/;
	my $window = substr($line, $end, $lookahead);
	return (undef, "TIME_FORMAT does not match '$window'")
	    unless $window =~ $format_re;
	return ($1, undef, $key // '');
}
# What they should find in a line of $m (the line alone, or rsyslog's
# with its pairs $pairs): the JSON's @timestamp; for a control event of
# the daemon, written by another run, the line's own time (checked
# against the JSON's, give or take, with the other fields).
sub want_time {
	my ($set, $m, $pairs) = @_;
	return ('end_time', $m->{json}{'@timestamp'})
	    if $m->{kv}{event}[1] eq 'process_end';
	return ('time', $m->{json}{'@timestamp'}) if $set->{kind} ne 'daemon';
	my ($time) = map { $_->[1] } grep { $_->[0] eq 'time' } @$pairs;
	return ('time', $time // '(none)');
}

# A daemon's control event's time, written by another run than the JSON:
# an RFC 3339 time, the JSON's give or take a minute, as in the line.
sub near_time {
	my ($v, $j, $line) = @_;
	my ($raw) = $line =~ /(?:^|\s)time="([^"\\]*)"/;
	my ($a, $b) = (epoch($v), epoch($j));
	return defined $a && defined $b && abs($a - $b) < 60 &&
	    defined $raw && $raw eq $v;
}

# LINE_BREAKER makes an event of each line (what its first group matches
# goes), none over TRUNCATE: the kv files and rsyslog's.
my $lb = eval { qr/$p->{LINE_BREAKER}/ };
@bad = $lb ? () : ("LINE_BREAKER: $@");
my $n_files = 0;
for my $file (map { ($_->{kv}, $_->{log} ne '-' ? $_->{log} : ()) } @sets) {
	last unless $lb;
	$n_files++;
	my $content = slurp($file);
	my ($start, @events) = (0);
	while ($content =~ /$lb/g) {
		push @events, substr($content, $start, $-[1] - $start);
		$start = $+[1];
	}
	push @events, substr($content, $start) if $start < length $content;
	my @lines = split /\n/, $content;
	push @bad, "$file: LINE_BREAKER makes " . @events . ' events of '
	    . @lines . ' lines' unless join("\n", @events) eq join("\n", @lines);
	push @bad, map { "$file: a line of " . length($_) . ' bytes, over '
	    . 'TRUNCATE' } grep { length > ($p->{TRUNCATE} // 0) } @lines;
}
result($lb && !@bad, "LINE_BREAKER makes an event of each line in $n_files "
    . 'files, none over TRUNCATE', @bad);

# The lines rsyslog wrote, by event id.
my ($n_logged, %logged, @log_bad) = (0);
for my $set (grep { $_->{log} ne '-' } @sets) {
	for my $line (split /\n/, slurp($set->{log})) {
		$n_logged++;
		my ($pairs, $header, $err) = auto_escaped($line);
		if ($err) {
			push @log_bad, "$set->{name}: rsyslog's line: $err";
			next;
		}
		my %kv = map { $_->[0] => $_->[1] } @$pairs;
		$logged{$set->{name}}{$kv{event_id} // ''} =
		    { line => $line, pairs => $pairs, header => $header };
	}
}

@bad = ();
my ($n_time, %time_keys) = (0);
for my $set (@sets) {
	for my $m (@{$set->{parsed} || []}) {
		my $log = $logged{$set->{name}}{$m->{kv}{event_id}[1]};
		for my $copy ($m, $log ? $log : ()) {
			my $line = $copy->{line};
			my ($key, $want) = want_time($set, $m, $copy->{pairs});
			$n_time++;
			my ($got, $err, $at) = splunk_time($line);
			$time_keys{$at} = 1 if defined $at;
			if ($err) {
				push @bad, "$m->{where}: $err";
			} elsif ($at ne $key || $got ne $want) {
				push @bad, "$m->{where}: $at=$got, not $key=$want";
			}
		}
	}
}
push @bad, "TIME_PREFIX lands on $_, not a field of the schema"
    for grep { !known_field($_) } sort keys %time_keys;
result($time_prefix && $format_re && $n_time && !@bad, "TIME_PREFIX, "
    . "TIME_FORMAT and MAX_TIMESTAMP_LOOKAHEAD give end_time (time of a "
    . "control event) in $n_time lines", $time_err || (), @bad);

# The host transform gives the message's host, when it is plain.
@bad = ();
my $n_host = 0;
for my $set (@sets) {
	for my $m (@{$set->{parsed} || []}) {
		my $host = $m->{json}{host} ? $m->{json}{host}{name} : undef;
		utf8::encode($host) if defined $host;
		my $plain = defined $host && $host !~ /["\\]/;
		my $log = $logged{$set->{name}}{$m->{kv}{event_id}[1]};
		for my $line ($m->{line}, $log ? $log->{line} : ()) {
			for my $t (sort keys %host_re) {
				$n_host++;
				my ($got) = $line =~ $host_re{$t};
				if ($plain ? !defined $got || $got ne $host :
				    defined $got) {
					push @bad, "$m->{where}: [$t] gives "
					    . ($got // 'nothing') . ', the host is '
					    . ($host // 'not there');
				}
			}
		}
	}
}
result(%host_re && !@bad, "the host transform gives the message's host "
    . "(nothing when it has \" or \\) in $n_host lines", @bad);

# What rsyslog wrote: the same lines behind a header, read the same.
if (grep { $_->{log} ne '-' } @sets) {
	@bad = @log_bad;
	my $n = 0;
	for my $set (grep { $_->{log} ne '-' } @sets) {
		my %left = %{$logged{$set->{name}} || {}};
		for my $m (@{$set->{parsed} || []}) {
			my $id = $m->{kv}{event_id}[1];
			my $log = delete $left{$id};
			if (!$log) {
				push @bad, "$m->{where}: not in rsyslog's file";
				next;
			}
			$n++;
			# A daemon's control event: another run, another time.
			my $other = $set->{kind} eq 'daemon' &&
			    $m->{kv}{event}[1] ne 'process_end';
			my @a = grep { !$other || $_->[0] ne 'time' }
			    @{$log->{pairs}};
			my @b = grep { !$other || $_->[0] ne 'time' }
			    @{$m->{pairs}};
			push @bad, "$m->{where}: rsyslog's line reads "
			    . 'otherwise' unless join("\0", map { @$_ } @a) eq
			    join("\0", map { @$_ } @b);
			my ($t) = map { $_->[1] } grep { $_->[0] eq 'time' }
			    @{$log->{pairs}};
			push @bad, "$m->{where}: rsyslog's line: time "
			    . ($t // '(none)') if $other &&
			    !near_time($t // '', $m->{json}{'@timestamp'},
			    $log->{line});
			push @bad, "$m->{where}: no syslog header"
			    unless $log->{header} =~ /\S/;
		}
		push @bad, "$set->{name}: rsyslog's file has "
		    . keys(%left) . ' more lines' if %left;
	}
	result($n > 0 && !@bad, "rsyslog's file ($n_logged lines): the "
	    . 'fields of each line are those of the line alone', @bad);
}

# --- The app ------------------------------------------------------------

(my $folder = $addon) =~ s{.*/}{};
my $app = $conf{app};
@bad = ();
push @bad, "[package] id is not $folder" unless ($app->{package}{id} // '')
    eq $folder;
push @bad, "[id] name is not $folder" unless ($app->{id}{name} // '') eq
    $folder;
for my $st (qw(launcher id)) {
	push @bad, "[$st] version is not $arg{version} (configure.ac)"
	    unless ($app->{$st}{version} // '') eq $arg{version};
}
push @bad, '[ui] is_visible is not false'
    unless ($app->{ui}{is_visible} // '') =~ /^(?:false|0)\z/i;
push @bad, 'metadata/default.meta does not export to system'
    unless (($conf{meta}{''} || {})->{export} // '') eq 'system';
result(!@bad, "app.conf: $folder $arg{version}, not visible; "
    . 'default.meta exports it', @bad);

# README.md: rsyslog writes the file the forwarder monitors, picked as
# central.conf picks our messages; the source type is the add-on's.
my $readme = slurp("$addon/README.md");
my ($rule) = grep { /type="omfile"/ } $readme =~ /^```[^\n]*\n(.*?)^```/msg;
my ($rule_file) = ($rule // '') =~ /\bfile="([^"]+)"/;
my ($selector) = ($rule // '') =~ /^\s*(if .*? then)\b/m;
my ($monitor, $monitor_body) = $readme =~
    /^\[monitor:\/\/([^\]\n]+)\]\n((?:[^\[\n`][^\n]*\n)*)/m;
my ($monitor_st) = ($monitor_body // '') =~ /^sourcetype\s*=\s*(\S+)/m;
my $central = slurp($arg{central});
@bad = ();
push @bad, 'no rsyslog rule with an omfile action' unless $rule_file;
push @bad, 'no [monitor://...] stanza' unless $monitor;
push @bad, "rsyslog writes $rule_file, the forwarder reads $monitor"
    if $rule_file && $monitor && $rule_file ne $monitor;
push @bad, "the monitor's sourcetype is " . ($monitor_st // 'not set')
    . ", props.conf's $sourcetype" unless ($monitor_st // '') eq $sourcetype;
push @bad, "the rule's '" . ($selector // '(no if)') . "' is not in "
    . 'central.conf' unless $selector && index($central, $selector) >= 0;
result(!@bad, 'README.md: rsyslog writes ' . ($rule_file // '?')
    . ", the forwarder reads it as $sourcetype", @bad);

# Makefile.am installs every file of the add-on.
my $makefile = slurp($arg{makefile}) =~ s/\\\n/ /gr;
my %listed = map { $_ => 1 } $makefile =~
    m{contrib/splunk/\Q$folder\E/(\S+)}g;
my %present;
my @dirs = ('');
while (defined(my $d = shift @dirs)) {
	opendir my $dh, "$addon/$d" or die "$addon/$d: $!\n";
	for (grep { !/^\.\.?\z/ } readdir $dh) {
		my $rel = $d eq '' ? $_ : "$d/$_";
		-d "$addon/$rel" ? push(@dirs, $rel) : ($present{$rel} = 1);
	}
}
result(set_eq(\%listed, \%present), 'Makefile.am installs the '
    . keys(%present) . ' files of the add-on',
    'in the folder: ' . join(' ', sort keys %present),
    'in Makefile.am: ' . join(' ', sort keys %listed));
