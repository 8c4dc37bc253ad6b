#include "bd_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct bd_error_row {
	int code;
	const char *name;
	const char *text;
};

static const struct bd_error_row bd_error_rows[] = {
#define BD_X_ROW(name, value, text) {value, #name, text},
	BD_ERROR_TABLE(BD_X_ROW)
#undef BD_X_ROW
};

static const struct bd_error_row *bd_error_row_find(int code)
{
	for (size_t i = 0; i < sizeof bd_error_rows / sizeof bd_error_rows[0]; i++)
		if (bd_error_rows[i].code == code)
			return &bd_error_rows[i];
	return NULL;
}

const char *bd_strerror(int code)
{
	const struct bd_error_row *row = bd_error_row_find(code);
	if (row)
		return row->text;
	return code > 0 ? "success" : "unknown error";
}

const char *bd_errname(int code)
{
	const struct bd_error_row *row = bd_error_row_find(code);
	return row ? row->name : "UNKNOWN";
}

int bd_error_set(struct bd_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	err->hint[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	} else {
		snprintf(err->msg, sizeof err->msg, "%s", bd_strerror(code));
	}
	return code;
}

int bd_error_hint(struct bd_error *err, const char *fmt, ...)
{
	if (!err)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof err->hint, fmt, ap);
	va_end(ap);
	return err->code;
}

void bd_error_clear(struct bd_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}
