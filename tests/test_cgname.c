// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of cgname.c: containers and units from cgroup paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "twtop/cgname.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect(const char *path, enum cg_kind kind, const char *name)
{
	char out[64];

	assert_int_equal(cgname_short(path, out, sizeof(out)), kind);
	assert_string_equal(out, name);
}

/* systemd drivers: the scope names the container, shortened to 12. */
static void test_containers(void **state)
{
	(void)state;
	expect("/system.slice/docker-" ID64 ".scope", CG_CONTAINER,
	       "docker-0123456789ab");
	expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-"
	       "pod1.slice/cri-containerd-" ID64 ".scope", CG_CONTAINER,
	       "cri-containerd-0123456789ab");
	expect("/machine.slice/libpod-" ID64 ".scope", CG_CONTAINER,
	       "libpod-0123456789ab");
	expect("/kubepods/besteffort/pod9/" ID64, CG_CONTAINER,
	       "0123456789ab");
	expect("/docker/" ID64, CG_CONTAINER, "0123456789ab");
}

/* Units are kept whole; the innermost recognisable part wins. */
static void test_units(void **state)
{
	(void)state;
	expect("/system.slice/nginx.service", CG_UNIT, "nginx.service");
	expect("/system.slice/nginx.service/worker", CG_UNIT,
	       "nginx.service");
	expect("/user.slice/user-1000.slice/user@1000.service/app.slice/"
	       "run-r1.scope", CG_UNIT, "run-r1.scope");
	expect("/user.slice/user-0.slice/session-3.scope", CG_NONE, "");
	expect("/", CG_NONE, "");
	expect("", CG_NONE, "");
	/* Not hex: a unit, not a container. */
	expect("/system.slice/docker-xyz.scope", CG_UNIT, "docker-xyz.scope");
}

/* The v2 line wins; a v1 host has name=systemd. */
static void test_from_proc(void **state)
{
	char path[128];

	(void)state;
	assert_true(cgname_from_proc("0::/system.slice/a.service\n", path,
				     sizeof(path)));
	assert_string_equal(path, "/system.slice/a.service");
	assert_true(cgname_from_proc("12:cpu:/x\n1:name=systemd:/b.service\n"
				     "0::/c.service\n", path, sizeof(path)));
	assert_string_equal(path, "/c.service");
	assert_true(cgname_from_proc("12:cpu:/x\n1:name=systemd:/b.service\n",
				     path, sizeof(path)));
	assert_string_equal(path, "/b.service");
	assert_false(cgname_from_proc("12:cpu:/x\n", path, sizeof(path)));
	assert_true(cgname_from_proc("0::/abcdefgh", path, 4));
	assert_string_equal(path, "/ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_from_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
