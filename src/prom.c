/* Prometheus text exposition: placeholder until the writer lands. */
#include <errno.h>
#include <stdio.h>

#include "twtop/prom.h"

int prom_write(FILE *f, const struct snapshot *s, unsigned int top)
{
	(void)f; (void)s; (void)top;
	errno = ENOSYS;
	return -1;
}

int prom_write_file(const char *path, const struct snapshot *s,
		    unsigned int top, char *err, size_t errlen)
{
	(void)s; (void)top;
	snprintf(err, errlen, "%s: not written yet", path);
	return -1;
}
