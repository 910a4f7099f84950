// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of netns.c: naming a namespace from a directory of mounts. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/netns.h"

static char dir[64];

static void touch(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static struct stat stat_of(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(stat(path, &st), 0);
	return st;
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/twtop-netns.XXXXXX");
	assert_non_null(mkdtemp(dir));
	touch("blue");
	touch("green");
	touch(".hidden");
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The entry with the same device and inode names the namespace. */
static void test_identify_finds_each(void **state)
{
	struct stat b = stat_of("blue"), g = stat_of("green");
	char name[32];

	(void)state;
	assert_int_equal(netns_identify(dir, b.st_dev, b.st_ino, name,
					sizeof(name)), 1);
	assert_string_equal(name, "blue");
	assert_int_equal(netns_identify(dir, g.st_dev, g.st_ino, name,
					sizeof(name)), 1);
	assert_string_equal(name, "green");
}

/* Hidden entries, other inodes and names that do not fit are no match. */
static void test_identify_no_match(void **state)
{
	struct stat h = stat_of(".hidden"), b = stat_of("blue");
	char name[32], tiny[4];

	(void)state;
	assert_int_equal(netns_identify(dir, h.st_dev, h.st_ino, name,
					sizeof(name)), 0);
	assert_int_equal(netns_identify(dir, b.st_dev, b.st_ino + 1000003,
					name, sizeof(name)), 0);
	assert_int_equal(netns_identify(dir, b.st_dev, b.st_ino, tiny,
					sizeof(tiny)), 0);
}

/* A missing directory (no ip netns ever ran) is "none", not an error. */
static void test_identify_missing_dir(void **state)
{
	char name[32];

	(void)state;
	assert_int_equal(netns_identify("/nonexistent/twtop", 1, 1, name,
					sizeof(name)), 0);
}

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

static void ln(const char *from, const char *to)
{
	char a[256], b[256];

	snprintf(a, sizeof(a), "%s/%s", dir, from);
	snprintf(b, sizeof(b), "%s/%s", dir, to);
	assert_int_equal(link(a, b), 0);
}

/* A process in a namespace: its ns/net is a hard link to the namespace's
 * file, as /proc/PID/ns/net all resolve to one nsfs inode. */
static void proc(const char *pid, const char *ns, const char *comm,
		 const char *cgroup)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "proc/%s", pid);
	mk(rel);
	snprintf(rel, sizeof(rel), "proc/%s/ns", pid);
	mk(rel);
	snprintf(rel, sizeof(rel), "proc/%s/ns/net", pid);
	ln(ns, rel);
	snprintf(rel, sizeof(rel), "proc/%s/comm", pid);
	put(rel, comm);
	snprintf(rel, sizeof(rel), "proc/%s/cgroup", pid);
	put(rel, cgroup);
}

static const struct netns_ent *by_name(const struct netns_list *l,
				       const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* Host, a container, a process, an ip netns name held by a process and
 * one held by nothing: each once, named, with its processes. */
static void test_scan(void **state)
{
	const char *dirs[2];
	char rundir[96], dockdir[96];
	struct netns_list l = { 0 };
	const struct netns_ent *e;

	(void)state;
	mk("nsfs");
	put("nsfs/A", "");
	put("nsfs/B", "");
	put("nsfs/C", "");
	put("nsfs/D", "");
	put("nsfs/E", "");
	mk("proc");
	mk("run");
	mk("run/netns");
	mk("docker");
	proc("1", "nsfs/A", "systemd\n", "0::/init.scope\n");
	proc("50", "nsfs/A", "sshd\n", "0::/system.slice/ssh.service\n");
	proc("101", "nsfs/B", "worker\n",
	     "0::/system.slice/docker-" ID64 ".scope\n");
	proc("100", "nsfs/B", "nginx\n",
	     "0::/system.slice/docker-" ID64 ".scope\n");
	proc("200", "nsfs/C", "sleep\n",
	     "0::/user.slice/user-0.slice/session-1.scope\n");
	proc("300", "nsfs/D", "server\n", "0::/\n");
	mk("proc/400");		/* a kernel thread: no ns/net */
	ln("nsfs/D", "run/netns/blue");
	ln("nsfs/E", "docker/orphan");
	ln("nsfs/A", "run/netns/hostalias");
	put("proc/uptime", "1 1\n");

	snprintf(rundir, sizeof(rundir), "%s/run/netns", dir);
	snprintf(dockdir, sizeof(dockdir), "%s/docker", dir);
	dirs[0] = rundir;
	dirs[1] = dockdir;
	{
		char procdir[96];

		snprintf(procdir, sizeof(procdir), "%s/proc", dir);
		assert_int_equal(netns_scan(procdir, dirs, 2, &l), 0);
	}
	assert_int_equal(l.n, 5);

	e = &l.v[0];
	assert_int_equal(e->kind, NETNS_HOST);
	assert_string_equal(e->name, "host");
	assert_int_equal(e->n_procs, 2);

	e = by_name(&l, "docker-0123456789ab");
	assert_non_null(e);
	assert_int_equal(e->kind, NETNS_CONTAINER);
	assert_int_equal(e->n_procs, 2);
	assert_int_equal(e->pids[0], 100);
	assert_string_equal(e->comms[0], "nginx");
	assert_int_equal(e->pids[1], 101);

	e = by_name(&l, "sleep:200");
	assert_non_null(e);
	assert_int_equal(e->kind, NETNS_PROCESS);
	assert_non_null(strstr(e->path, "/200/ns/net"));

	e = by_name(&l, "blue");
	assert_non_null(e);
	assert_int_equal(e->kind, NETNS_NAMED);
	assert_int_equal(e->n_procs, 1);
	assert_string_equal(e->comms[0], "server");
	assert_non_null(strstr(e->path, "/run/netns/blue"));

	e = by_name(&l, "orphan");
	assert_non_null(e);
	assert_int_equal(e->n_procs, 0);
	assert_string_equal(netns_kind_name(e->kind), "netns-name");
	netns_list_free(&l);
}

/* Only the lowest NETNS_PIDS are kept, ascending; all are counted. */
static void test_scan_many_pids(void **state)
{
	struct netns_list l = { 0 };
	char procdir[96], pid[8];
	static const int pids[] = { 900, 30, 700, 10, 500, 20 };

	(void)state;
	mk("many");
	put("many/N", "");
	mk("proc2");
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		char rel[64], ns[64];

		snprintf(pid, sizeof(pid), "%d", pids[i]);
		snprintf(rel, sizeof(rel), "proc2/%s", pid);
		mk(rel);
		snprintf(rel, sizeof(rel), "proc2/%s/ns", pid);
		mk(rel);
		snprintf(rel, sizeof(rel), "proc2/%s/ns/net", pid);
		snprintf(ns, sizeof(ns), "many/N");
		ln(ns, rel);
		snprintf(rel, sizeof(rel), "proc2/%s/comm", pid);
		put(rel, "p\n");
	}
	snprintf(procdir, sizeof(procdir), "%s/proc2", dir);
	assert_int_equal(netns_scan(procdir, NULL, 0, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].n_procs, 6);
	assert_int_equal(l.v[0].n_pids, NETNS_PIDS);
	assert_int_equal(l.v[0].pids[0], 10);
	assert_int_equal(l.v[0].pids[1], 20);
	assert_int_equal(l.v[0].pids[2], 30);
	assert_int_equal(l.v[0].pids[3], 500);
	assert_string_equal(l.v[0].name, "p:10");
	netns_list_free(&l);
	assert_int_equal(netns_scan("/nonexistent/twtop", NULL, 0, &l), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify_finds_each),
		cmocka_unit_test(test_identify_no_match),
		cmocka_unit_test(test_identify_missing_dir),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_scan_many_pids),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
