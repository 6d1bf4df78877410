/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schema-dump: the table of common/schema.h as text, for the tests that
 * hold the rulebase, the Splunk add-on and docs/schema.md against it.
 *
 * One line per item, words separated by one space:
 *   field KV JOURNAL JSON TYPE MESSAGES   (a kv field, in kv order)
 *   json JSON TYPE MESSAGES               (a JSON-only member)
 *   layout record|control JSON            (the JSON members, in order)
 *   event NAME                            (process_end, control events)
 *   flag NAME
 *   level N NAME
 * JSON is the dotted ECS path; MESSAGES is record, control or both.
 */
#include "config.h"

#include <stdio.h>

#include "format.h"
#include "schema.h"

static const char *const types[] = {
	[SCHEMA_T_STRING] = "string", [SCHEMA_T_INTEGER] = "integer",
	[SCHEMA_T_ID] = "id", [SCHEMA_T_BOOLEAN] = "boolean",
	[SCHEMA_T_SECONDS] = "seconds", [SCHEMA_T_TIME] = "time",
	[SCHEMA_T_CONSTANT] = "constant",
};

/* The dotted path of object sec. */
static void
put_section(unsigned sec)
{
	if (sec == SCHEMA_SEC_ROOT)
		return;
	put_section(schema_sections[sec].parent);
	if (schema_sections[sec].parent != SCHEMA_SEC_ROOT)
		putchar('.');
	fputs(schema_sections[sec].name, stdout);
}

static void
put_place(unsigned sec, const char *name)
{
	put_section(sec);
	if (sec != SCHEMA_SEC_ROOT)
		putchar('.');
	fputs(name, stdout);
}

static const char *
messages(unsigned m)
{
	m &= SCHEMA_IN_BOTH;
	return m == SCHEMA_IN_BOTH ? "both" : m == SCHEMA_IN_RECORD ?
	    "record" : "control";
}

static void
put_layout(const char *kind, const struct schema_json_member *m,
    size_t count)
{
	for (size_t i = 0; i < count; i++) {
		enum schema_section sec;
		const char *name;
		size_t len;

		schema_json_place(&m[i], &sec, &name, &len);
		printf("layout %s ", kind);
		put_place(sec, name);
		putchar('\n');
	}
}

int
main(void)
{
	for (int f = 0; f < SCHEMA_FIELD_COUNT; f++) {
		const struct schema_row *r = &schema_rows[f];

		if (f < SCHEMA_KV_COUNT)
			printf("field %s %.*s ", r->kv, r->journal_len - 1,
			    r->journal);
		else
			fputs("json ", stdout);
		put_place(r->section, r->member);
		printf(" %s %s\n", types[r->type], messages(r->messages));
	}
	put_layout("record", schema_json_record, SCHEMA_JSON_RECORD_COUNT);
	put_layout("control", schema_json_control, SCHEMA_JSON_CONTROL_COUNT);
	printf("event process_end\n");
	for (int k = 0; k < FMT_CONTROL_COUNT; k++)
		printf("event %s\n", fmt_control_name(k));
	for (int i = 0; i < SCHEMA_FLAG_COUNT; i++)
		printf("flag %s\n", schema_flags[i].name);
	for (int i = 0; i < 8; i++)
		printf("level %d %s\n", i, schema_levels[i]);
	return ferror(stdout) ? 1 : 0;
}
