// SPDX-License-Identifier: GPL-2.0-or-later
/* --all-netns output: the --once table, --batch lines, JSON and the
 * Prometheus file of every namespace. Formats what the rows hold. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twtop/advice.h"
#include "twtop/allns.h"
#include "twtop/json.h"
#include "twtop/prom.h"
#include "twtop/xalloc.h"

/* "local->remote:port" of a row's worst group, or "-". */
static const char *group_key(const struct allns_row *r, char *buf,
			     size_t len)
{
	char l[ADDR_STRLEN], m[ADDR_STRLEN];

	if (!r->sampled || !r->has_group) {
		snprintf(buf, len, "-");
		return buf;
	}
	addr_format(&r->worst.local, l, sizeof(l));
	addr_format(&r->worst.remote, m, sizeof(m));
	snprintf(buf, len, r->worst.remote.family == AF_INET6 ?
		 "%s->[%s]:%u" : "%s->%s:%u", l, m, r->worst.remote_port);
	return buf;
}

/* "12s" for an age; "-" when the row has no sample. */
static const char *age_text(const struct allns_row *r, char *buf, size_t len)
{
	if (!r->sampled)
		snprintf(buf, len, "-");
	else if (r->age_s < 100)
		snprintf(buf, len, "%.0fs", floor(r->age_s));
	else
		snprintf(buf, len, "%.0fm", floor(r->age_s / 60));
	return buf;
}

/* The names of the idle rows, comma separated, cut to fit len. */
static void idle_names(const struct allns_table *t, char *buf, size_t len)
{
	size_t shown = t->n - t->n_idle, used = 0;

	buf[0] = '\0';
	for (size_t i = shown; i < t->n; i++) {
		const char *name = t->rows[i].name;
		size_t need = strlen(name) + (i > shown ? 2 : 0);

		if (used + need + 4 >= len) {
			snprintf(buf + used, len - used, ", ...");
			return;
		}
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i > shown ? ", " : "", name);
	}
}

int allns_print_table(FILE *f, const struct allns_table *t)
{
	size_t shown = t->n - t->n_idle;
	char grp[128], age[16], rate[16], used[16], names[256];

	fprintf(f, "twtop --all-netns  %s  Linux %s  %u namespaces, %zu idle"
		"  pass %.1f ms (%s)\n", t->host, t->kernel, t->found,
		(size_t)t->n_idle, t->pass_ms, t->backend ? t->backend : "-");
	fprintf(f, "%-24s %-10s %7s %9s %6s %6s %6s  %-34s %4s  %-14s %5s "
		"%4s %s\n", "NAMESPACE", "KIND", "SOCKETS", "TIME_WAIT",
		"SERVER", "CLIENT", "NEW/s", "WORST GROUP", "USED",
		"FORECAST", "A/W/I", "AGE", "INODE");
	for (size_t i = 0; i < shown; i++) {
		const struct allns_row *r = &t->rows[i];
		const struct snap_forecast *fc = &r->worst.fc;
		char adv[24];

		if (!r->sampled) {
			fprintf(f, "%-24.24s %-10s %s\n", r->name,
				netns_kind_name(r->kind), r->error[0] ?
				r->error : "not sampled yet");
			continue;
		}
		snprintf(rate, sizeof(rate), r->rate_valid ? "%.1f" : "-",
			 r->new_per_s);
		snprintf(used, sizeof(used), r->has_group && fc->known ?
			 "%.0f%%" : "-", fc->share * 100);
		snprintf(adv, sizeof(adv), "%u/%u/%u", r->adv[ADV_ALARM],
			 r->adv[ADV_WARN], r->adv[ADV_INFO]);
		fprintf(f, "%-24.24s %-10s %7u %9u %6u %6u %6s  %-34.34s %4s  "
			"%-14.14s %5s %4s %llu\n", r->name,
			netns_kind_name(r->kind), r->sockets, r->tw_total,
			r->tw_server, r->tw_client, rate,
			group_key(r, grp, sizeof(grp)), used,
			r->has_group && fc->known ? fc->text : "-", adv,
			age_text(r, age, sizeof(age)),
			(unsigned long long)r->ino);
	}
	if (t->n_idle) {
		idle_names(t, names, sizeof(names));
		fprintf(f, "%u idle namespace%s (nothing open): %s\n",
			t->n_idle, t->n_idle == 1 ? "" : "s", names);
	}
	return fflush(f) != 0 || ferror(f) ? -1 : 0;
}

int allns_print_lines(FILE *f, const struct allns_table *t)
{
	size_t shown = t->n - t->n_idle;
	char when[32], grp[128];
	struct tm tm;

	gmtime_r(&t->when.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (size_t i = 0; i < shown; i++) {
		const struct allns_row *r = &t->rows[i];

		fprintf(f, "%s netns=%s kind=%s inode=%llu", when, r->name,
			netns_kind_name(r->kind), (unsigned long long)r->ino);
		if (!r->sampled) {
			fprintf(f, " error=\"%s\"\n", r->error[0] ? r->error :
				"not sampled yet");
			continue;
		}
		fprintf(f, " sockets=%u tw=%u server=%u client=%u", r->sockets,
			r->tw_total, r->tw_server, r->tw_client);
		if (r->rate_valid)
			fprintf(f, " new_tw/s=%.1f", r->new_per_s);
		else
			fputs(" new_tw/s=-", f);
		if (r->has_group && r->worst.fc.known)
			fprintf(f, " worst_group=%s used=%u avail=%u "
				"forecast=\"%s\"", group_key(r, grp, sizeof(grp)),
				r->worst.used, r->worst.available,
				r->worst.fc.text);
		fprintf(f, " alarm=%u warn=%u info=%u age=%.1fs\n",
			r->adv[ADV_ALARM], r->adv[ADV_WARN], r->adv[ADV_INFO],
			r->age_s);
	}
	fprintf(f, "%s namespaces=%u idle=%u sampled=%u pass_ms=%.1f\n", when,
		t->found, t->n_idle, t->sampled, t->pass_ms);
	return fflush(f) != 0 || ferror(f) ? -1 : 0;
}

/* --- JSON --------------------------------------------------------------- */

static void kv_str(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_str(w, v);
}

static void kv_uint(struct jw *w, const char *k, unsigned long long v)
{
	jw_key(w, k);
	jw_uint(w, v);
}

static void kv_double(struct jw *w, const char *k, double v)
{
	jw_key(w, k);
	jw_double(w, v);
}

static void kv_bool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

/* A row's processes: the lowest PIDs with their comm. */
static void json_procs(struct jw *w, const struct allns_row *r)
{
	jw_key(w, "processes");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < r->n_pids && i < NETNS_PIDS; i++) {
		jw_obj_begin(w);
		kv_uint(w, "pid", (unsigned long long)r->pids[i]);
		kv_str(w, "comm", r->comms[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	kv_uint(w, "processes_total", r->n_procs);
}

/* What a sample of the row counted; null members when it has none. */
static void json_counts(struct jw *w, const struct allns_row *r)
{
	static const char *const keys[] = {
		"sockets", "states", "bound_inactive", "time_wait",
		"worst_group", "groups_total", "advisories", "sample", "age_s",
	};

	if (!r->sampled) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			jw_key(w, keys[i]);
			jw_null(w);
		}
		return;
	}
	kv_uint(w, "sockets", r->sockets);
	jw_key(w, "states");
	jw_obj_begin(w);
	for (int i = 0; i < TCPSTATE_SHOWN; i++)
		kv_uint(w, tcpstate_name(tcpstate_order[i]),
			r->states[tcpstate_order[i]]);
	jw_obj_end(w);
	kv_uint(w, "bound_inactive", r->states[TS_BOUND_INACTIVE]);
	jw_key(w, "time_wait");
	jw_obj_begin(w);
	kv_uint(w, "total", r->tw_total);
	kv_uint(w, "server_side", r->tw_server);
	kv_uint(w, "client_side", r->tw_client);
	kv_double(w, "new_per_s", r->rate_valid ? r->new_per_s : NAN);
	jw_obj_end(w);
	jw_key(w, "worst_group");
	if (r->has_group)
		json_group(w, &r->worst);
	else
		jw_null(w);
	kv_uint(w, "groups_total", r->groups_total);
	jw_key(w, "advisories");
	jw_obj_begin(w);
	kv_uint(w, "alarm", r->adv[ADV_ALARM]);
	kv_uint(w, "warn", r->adv[ADV_WARN]);
	kv_uint(w, "info", r->adv[ADV_INFO]);
	jw_obj_end(w);
	jw_key(w, "sample");
	jw_obj_begin(w);
	kv_double(w, "dump_ms", r->dump_ms);
	kv_double(w, "pass_ms", r->pass_ms);
	kv_str(w, "backend", r->backend);
	kv_bool(w, "partial", r->partial);
	kv_bool(w, "dump_failed", r->dump_failed);
	kv_str(w, "error", r->snap && r->snap->error[0] ? r->snap->error :
	       NULL);
	jw_obj_end(w);
	kv_double(w, "age_s", r->age_s);
}

static void json_row(struct jw *w, const struct allns_row *r)
{
	jw_obj_begin(w);
	kv_uint(w, "inode", r->ino);
	kv_str(w, "name", r->name);
	kv_str(w, "kind", netns_kind_name(r->kind));
	kv_bool(w, "own", r->own);
	kv_str(w, "path", r->path[0] ? r->path : NULL);
	json_procs(w, r);
	kv_str(w, "error", r->error[0] ? r->error : NULL);
	kv_bool(w, "idle", allns_row_idle(r));
	json_counts(w, r);
	jw_obj_end(w);
}

int allns_json(FILE *f, const struct allns_table *t,
	       const struct allns_out_opts *o)
{
	char date[32] = "1970-01-01T00:00:00", buf[48];
	struct jw w;
	struct tm tm;

	jw_init(&w, f, o->pretty);
	jw_obj_begin(&w);
	kv_str(&w, "twtop_version", o->version);
	kv_uint(&w, "format", JSON_FORMAT);
	if (gmtime_r(&t->when.tv_sec, &tm) != NULL)
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, sizeof(buf), "%s.%03ldZ", date,
		 t->when.tv_nsec / 1000000);
	kv_str(&w, "time", buf);
	kv_double(&w, "unix_time",
		  (double)t->when.tv_sec + t->when.tv_nsec / 1e9);
	kv_str(&w, "host", t->host);
	kv_str(&w, "kernel", t->kernel);
	jw_key(&w, "pass");
	jw_obj_begin(&w);
	kv_double(&w, "pass_ms", t->pass_ms);
	kv_double(&w, "budget_ms", t->budget_ms > 0 ? t->budget_ms : NAN);
	kv_str(&w, "backend", t->backend);
	kv_uint(&w, "found", t->found);
	kv_uint(&w, "sampled", t->sampled);
	kv_uint(&w, "dropped", t->dropped);
	jw_obj_end(&w);
	kv_uint(&w, "idle_namespaces", t->n_idle);
	jw_key(&w, "namespaces");
	jw_arr_begin(&w);
	for (size_t i = 0; i < t->n; i++)
		json_row(&w, &t->rows[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	fputc('\n', f);
	return fflush(f) != 0 || ferror(f) ? -1 : 0;
}

/* --- Prometheus --------------------------------------------------------- */

/* One metric family of the merged text: its HELP and TYPE lines, then
 * every namespace's samples. */
struct fam {
	char name[128];
	char *head, *body;
	size_t head_len, body_len, head_cap, body_cap;
	bool help, type;
};

struct fams {
	struct fam *v;
	size_t n, cap;
};

static void append(char **buf, size_t *len, size_t *cap, const char *s,
		   size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* The family named by the n bytes at name, added when new. */
static struct fam *fam_get(struct fams *fs, const char *name, size_t n)
{
	struct fam *f;

	if (n >= sizeof(f->name))
		n = sizeof(f->name) - 1;
	for (size_t i = 0; i < fs->n; i++)
		if (strlen(fs->v[i].name) == n &&
		    memcmp(fs->v[i].name, name, n) == 0)
			return &fs->v[i];
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 64;
		fs->v = xreallocarray(fs->v, fs->cap, sizeof(*fs->v));
	}
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	memcpy(f->name, name, n);
	return f;
}

/* Sorts one namespace's exposition (prom_write's text) into families:
 * a "# HELP" or "# TYPE" line names the family of the samples after it. */
static void fams_add(struct fams *fs, const char *text)
{
	struct fam *cur = NULL;

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);

		if (strncmp(p, "# HELP ", 7) == 0 ||
		    strncmp(p, "# TYPE ", 7) == 0) {
			bool help = p[2] == 'H';

			cur = fam_get(fs, p + 7, strcspn(p + 7, " \n"));
			if (!(help ? cur->help : cur->type))
				append(&cur->head, &cur->head_len,
				       &cur->head_cap, p, len);
			if (help)
				cur->help = true;
			else
				cur->type = true;
		} else if (p[0] != '#' && p[0] != '\n') {
			if (cur == NULL)
				cur = fam_get(fs, p, strcspn(p, "{ \n"));
			append(&cur->body, &cur->body_len, &cur->body_cap, p,
			       len);
		}
		p += len;
	}
}

int allns_prom_write(FILE *f, const struct allns_table *t,
		     const struct allns_out_opts *o)
{
	struct fams fs = { 0 };
	uint32_t written = 0;
	int rc = 0, e = 0;

	for (size_t i = 0; i < t->n && written < o->max_netns && rc == 0; i++) {
		const struct allns_row *r = &t->rows[i];
		char *text = NULL;
		size_t len = 0;
		FILE *m;

		if (r->snap == NULL)
			continue;
		m = open_memstream(&text, &len);
		if (m == NULL) {
			rc = -1;
			e = errno;
			break;
		}
		/* the sample's netns label is the namespace's unique label */
		if (prom_write(m, r->snap, o->top) < 0) {
			rc = -1;
			e = errno;
		}
		if (fclose(m) != 0 && rc == 0) {
			rc = -1;
			e = errno;
		}
		if (rc == 0)
			fams_add(&fs, text);
		free(text);
		written++;
	}
	for (size_t i = 0; i < fs.n; i++) {
		if (rc == 0 && fs.v[i].head)
			fputs(fs.v[i].head, f);
		if (rc == 0 && fs.v[i].body)
			fputs(fs.v[i].body, f);
		free(fs.v[i].head);
		free(fs.v[i].body);
	}
	free(fs.v);
	if (rc == 0 && (fflush(f) != 0 || ferror(f))) {
		rc = -1;
		e = errno ? errno : EIO;
	}
	errno = e;
	return rc;
}

/* The table's export, for prom_file_put. */
struct allns_prom_job {
	const struct allns_table *t;
	const struct allns_out_opts *o;
};

static int allns_prom_job_write(FILE *f, void *arg)
{
	const struct allns_prom_job *j = arg;

	return allns_prom_write(f, j->t, j->o);
}

int allns_prom_write_file(const char *path, const struct allns_table *t,
			  const struct allns_out_opts *o, char *err,
			  size_t errlen)
{
	struct allns_prom_job j = { t, o };

	return prom_file_put(path, allns_prom_job_write, &j, err, errlen);
}
