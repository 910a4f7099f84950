/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Forced into every unit test (configure.ac) when configure found no
 * cmocka: "make check" then stops here with the reason, not at a missing
 * <cmocka.h>. twtop itself does not need cmocka. */
#error "make check needs cmocka, which configure did not find: install libcmocka-dev (Debian) and run ./configure again"
