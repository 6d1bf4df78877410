/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-rulebase: libFuzzer target for rulebase_parse(), one line of a
 * syslog text archive into an entry, through liblognorm and the rules of
 * rules/ (those of the source tree, or $FUZZ_RULES_DIR).
 *
 * The input is the line.  Its promises (rulebase.h), checked on every
 * input:
 *  - the result is 1, 0 or -EBADMSG, and 0 for a line without the tag
 *    " acct2syslog" or without " event=\"" or "event=\"" after it, or
 *    with a ": " before the tag (the tag is in another program's
 *    message);
 *  - the header's host is at most 255 bytes;
 *  - a message that is a canonical kv line (one that entry_set() and
 *    entry_kv() give back byte for byte, as fmt_kv() and
 *    fmt_control_kv() write them) parses behind an rsyslog header: the
 *    rules read whatever the formatter writes;
 *  - an entry is whole (harness_check_entry()) and keeps nothing of the
 *    line: the line is freed before the entry is looked at;
 *  - its kv line is well-formed and reads back to itself through
 *    entry_set() (harness.h), and also through the rulebase, behind the
 *    header the line came with: the same kv line and the same header
 *    host (unless that line is over rulebase.c's limit);
 *  - its JSON line (fmt_json(), fmt_control_json()) fits FMT_READ_MAX,
 *    is strict JSON, and jsonline_parse() reads it back into the same kv
 *    line.
 * rulebase.c is included to reach find_message(), where the header ends.
 */
#include "../lastcomm-ng/rulebase.c"

#include "format.h"
#include "harness.h"
#include "jsonline.h"


/* The line again: the header of the first (up to the message) and kv. */
static void _nocov_
check_syslog_round_trip(struct rulebase *rb, const char *header,
    size_t header_len, const char *host, const char *kv)
{
	static struct entry again;
	static char line[LINE_MAX_LEN + 1 + FMT_READ_MAX];
	char back[FMT_READ_MAX];
	size_t kv_len = strlen(kv);

	/* A line over the limit is refused, as rulebase.h says. */
	if (header_len + 1 + kv_len > LINE_MAX_LEN)
		return;
	memcpy(line, header, header_len);
	line[header_len] = ' ';
	memcpy(line + header_len + 1, kv, kv_len);
	harness_note("rulebase: again as \"%.*s\"",
	    (int)(header_len + 1 + kv_len), line);
	check(rulebase_parse(rb, line, header_len + 1 + kv_len, &again) == 1);
	harness_check_entry(&again);
	entry_kv(&again, back, sizeof(back));
	check(harness_same_kv(&again, kv, back));
	check(strcmp(rulebase_syslog_host(rb), host) == 0);
}

/* Is message (len bytes) a kv line as the formatter writes it? */
static bool _nocov_
is_canonical(const char *message, size_t len)
{
	static struct harness_kv fields;
	static struct entry e;
	char kv[FMT_READ_MAX];

	if (len >= FMT_READ_MAX || !harness_kv_read(message, len, &fields))
		return false;
	entry_begin(&e);
	for (size_t i = 0; i < fields.count; i++)
		if (entry_set(&e, fields.field[i].key, fields.field[i].key_len,
		    fields.field[i].value, fields.field[i].value_len) < 0)
			return false;
	return entry_end(&e) == 0 && entry_kv(&e, kv, sizeof(kv)) == len &&
	    memcmp(kv, message, len) == 0;
}

/* A canonical message parses behind a header the rules know. */
static void _nocov_
check_canonical(struct rulebase *rb, const char *message, size_t len)
{
	static const char header[] = "Nov 21 07:30:12 web01 acct2syslog[1]: ";
	static char line[sizeof(header) + FMT_READ_MAX];
	static struct entry e;

	if (sizeof(header) - 1 + len > LINE_MAX_LEN ||
	    !is_canonical(message, len))
		return;
	memcpy(line, header, sizeof(header) - 1);
	memcpy(line + sizeof(header) - 1, message, len);
	harness_note("rulebase: a canonical message: %.*s", (int)len, message);
	check(rulebase_parse(rb, line, sizeof(header) - 1 + len, &e) == 1);
}

int _nocov_
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rulebase *rb;
	static struct jsonline *json;
	static struct entry e;
	static char header[LINE_MAX_LEN];
	char *line = harness_copy(data, size), kv[FMT_READ_MAX];
	char host[HOST_MAX + 1];
	const char *message, *tag, *colon;
	size_t len = size, header_len = 0;
	int rc;

	if (rb == NULL && (rulebase_new(harness_rules_dir(), &rb) < 0 ||
	    jsonline_new(&json) < 0))
		abort();
	harness_note("rulebase: a line of %zu bytes", size);
	rc = rulebase_parse(rb, line, size, &e);
	check(rc == 1 || rc == 0 || rc == -EBADMSG);
	check(strlen(rulebase_syslog_host(rb)) <= HOST_MAX);
	snprintf(host, sizeof(host), "%s", rulebase_syslog_host(rb));
	tag = memmem(line, size, " acct2syslog", 12);
	colon = memmem(line, size, ": ", 2);
	if (tag == NULL || memmem(tag, size - (size_t)(tag - line),
	    "event=\"", 7) == NULL || (colon != NULL && colon < tag))
		check(rc == 0);

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	message = find_message(line, len);
	if (message != NULL)
		check_canonical(rb, message + 1,
		    len - (size_t)(message + 1 - line));
	if (rc == 1) {
		check(message != NULL);
		header_len = (size_t)(message - line);
		check(header_len <= LINE_MAX_LEN);
		memcpy(header, line, header_len);
	}

	/* Nothing of the line may be kept: from here on it is gone. */
	free(line);
	if (rc == 1) {
		harness_check_entry(&e);
		harness_check_kv_round_trip(&e, kv);
		check_syslog_round_trip(rb, header, header_len, host, kv);
		harness_check_json_round_trip(json, &e, kv);
	}
	return 0;
}
