dnl SPDX-License-Identifier: GPL-2.0-or-later
dnl src/bpf.m4: checks for the BPF backend (src/bpf.am), m4_include'd by
dnl configure.ac. Built when clang with the BPF target, bpftool and libbpf
dnl (with libelf and zlib) are found; --disable-bpf builds without it and
dnl --enable-bpf makes a missing piece an error.
AC_ARG_ENABLE([bpf],
  [AS_HELP_STRING([--disable-bpf],
    [build without the BPF iterator backend (default: build it when clang,
     bpftool and libbpf are found)])],
  [], [enable_bpf=auto])
AC_ARG_VAR([BPF_CLANG], [clang that compiles the BPF programs])
AC_ARG_VAR([BPFTOOL], [bpftool that generates the BPF skeleton])
have_bpf=no
AS_IF([test "x$enable_bpf" != xno], [
  bpf_missing=
  AC_PATH_PROGS([BPF_CLANG], [clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14])
  AC_PATH_PROG([BPFTOOL], [bpftool], [],
    [$PATH$PATH_SEPARATOR/usr/sbin$PATH_SEPARATOR/sbin])
  PKG_CHECK_MODULES([LIBBPF], [libbpf >= 0.8 libelf zlib], [],
    [bpf_missing="$bpf_missing libbpf-dev/libelf-dev/zlib1g-dev"])
  AS_IF([test -z "$BPFTOOL"], [bpf_missing="$bpf_missing bpftool"])
  AS_IF([test -z "$BPF_CLANG"], [bpf_missing="$bpf_missing clang"], [
    AC_MSG_CHECKING([whether $BPF_CLANG compiles CO-RE BPF programs])
    cat > conftest.bpf.c <<_TWEOF
struct s { int a; } __attribute__((preserve_access_index));
int f(struct s *p) { return __builtin_preserve_field_info(p->a, 2); }
_TWEOF
    AS_IF([$BPF_CLANG -target bpf -O2 -g -c conftest.bpf.c \
             -o conftest.bpf.o >&AS_MESSAGE_LOG_FD 2>&1],
      [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no])
       bpf_missing="$bpf_missing clang-with-BPF-target"])
    rm -f conftest.bpf.c conftest.bpf.o])
  AS_IF([test -z "$bpf_missing"], [have_bpf=yes],
    [test "x$enable_bpf" = xyes],
    [AC_MSG_ERROR([--enable-bpf: missing$bpf_missing (Debian: apt-get install clang bpftool libbpf-dev libelf-dev zlib1g-dev)])],
    [AC_MSG_WARN([building without the BPF backend; missing$bpf_missing])])
])
AS_IF([test "x$have_bpf" = xyes],
  [AC_DEFINE([HAVE_BPF], [1], [Define to 1 to build the BPF backend.])])
AM_CONDITIONAL([HAVE_BPF], [test "x$have_bpf" = xyes])
