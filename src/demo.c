/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twtop --demo: a bounded twload on loopback for the dashboard to watch. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "twtop/buildtree.h"
#include "twtop/demo.h"
#include "twtop/xalloc.h"

#define DEMO_PROCS 2

struct demo {
	pid_t pid[DEMO_PROCS];
	const char *const *args[DEMO_PROCS];
	int n;
	bool failed;		/* a load exited with an error */
	bool private_ns;
	int nsfd;		/* the private namespace, kept for restarts */
	unsigned int rounds;	/* loads restarted so far */
	char bin[PATH_MAX];
	char netns[64];
};

/* The two loads: ~15000 client-closed connections to one destination
 * (53 % of the default range: the group's gauge turns warning), 3000
 * server-closed ones on another port, a few held. About 30 s of load,
 * then 40 s holding the connections; each load starts again when it ends
 * (demo_running), so the demo goes on until twtop quits: the TIME_WAIT of
 * a round is 60 s old, and gone, before the next round's peak. */
static const char *const load_client[] = {
	"-c", "15000", "-r", "500", "-j", "64", "--close", "client",
	"--dst", "127.0.0.2", "--ports", "18080", "--hold", "12",
	"--duration", "40", "--linger-after", "40", "-q", NULL,
};
static const char *const load_server[] = {
	"-c", "3000", "-r", "100", "-j", "32", "--close", "server",
	"--dst", "127.0.0.1", "--ports", "18081", "--duration", "40",
	"--linger-after", "40", "-q", NULL,
};

/* True when path names an executable regular file. */
static bool demo_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

/* Copies path into buf: 0, or -1 when it does not fit. */
static int demo_copy(char *buf, size_t len, const char *path)
{
	int k = snprintf(buf, len, "%s", path);

	return k >= 0 && (size_t)k < len ? 0 : -1;
}

/* Finds the twload program: in the build tree's src/ for a twtop run from
 * its build tree, else in the installed $(pkglibexecdir). 0 with the path
 * in buf, or -1 with the places looked at in buf. */
static int demo_find_twload(char *buf, size_t len)
{
	static const char installed[] = TWTOP_PKGLIBEXECDIR "/twload";
	char top[PATH_MAX], tree[PATH_MAX + 16] = "";

	if (buildtree_top(top, sizeof(top)) == 0) {
		snprintf(tree, sizeof(tree), "%s/src/twload", top);
		if (demo_executable(tree))
			return demo_copy(buf, len, tree);
	}
	if (demo_executable(installed))
		return demo_copy(buf, len, installed);
	snprintf(buf, len, "%s%s%s", tree, *tree ? " or " : "", installed);
	return -1;
}

/* In the child: a new network namespace with lo up and tcp_tw_reuse
 * off, so TIME_WAIT piles up in the port group instead of being reused
 * by connect() after a second (KERNEL-FACTS.md: tcp_tw_reuse 2 is the
 * default and covers loopback). */
static int demo_child_unshare(void)
{
	struct ifreq ifr;
	int fd, rc;

	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	fd = open("/proc/sys/net/ipv4/tcp_tw_reuse", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "0\n", 2) < 0) {
			/* the demo still runs, with reuse */
		}
		close(fd);
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

/* In the child: namespace, quiet stdio, own process group, exec. On
 * failure the stage and errno go to the status pipe. */
static void demo_child(const char *bin, char *const argv[], int nsfd,
		       bool unshare_ns, int status_fd)
{
	int null = open("/dev/null", O_RDWR);
	int msg[2] = { 0, 0 };
	sigset_t none;

	setpgid(0, 0);	/* terminal signals are for twtop alone */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (unshare_ns && demo_child_unshare() < 0)
		msg[0] = 1;
	else if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
		msg[0] = 2;
	else {
		execv(bin, argv);
		msg[0] = 3;
	}
	msg[1] = errno;
	if (write(status_fd, msg, sizeof(msg)) < 0)
		_exit(127);
	_exit(127);
}

/* Starts one twload; 0 or -1 with err. */
static int demo_spawn(struct demo *d, int slot, const char *bin,
		      const char *const args[], int nsfd, bool unshare_ns,
		      char *err, size_t errlen)
{
	static const char *const stage[] = {
		"", "entering a new network namespace",
		"joining the demo namespace", "running",
	};
	char *argv[32];
	int p[2], msg[2], n = 0;
	ssize_t got;
	pid_t pid;

	argv[n++] = (char *)bin;
	for (int i = 0; args[i] && n < 31; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "demo: pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "demo: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0)
		demo_child(bin, argv, nsfd, unshare_ns, p[1]);
	close(p[1]);
	do
		got = read(p[0], msg, sizeof(msg));
	while (got < 0 && errno == EINTR);
	close(p[0]);
	if (got == (ssize_t)sizeof(msg)) {
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "demo: %s %s: %s",
			 stage[msg[0] >= 1 && msg[0] <= 3 ? msg[0] : 3], bin,
			 strerror(msg[1]));
		return -1;
	}
	d->pid[slot] = pid;
	d->args[slot] = args;
	if (slot >= d->n)
		d->n = slot + 1;
	return 0;
}

struct demo *demo_start(char *err, size_t errlen)
{
	struct demo *d = xcalloc(1, sizeof(*d));
	char *bin = d->bin;
	int nsfd = -1, rc;

	d->nsfd = -1;
	if (demo_find_twload(bin, sizeof(d->bin)) < 0) {
		snprintf(err, errlen, "demo: twload not found (looked for %s)",
			 bin);
		free(d);
		return NULL;
	}
	d->private_ns = geteuid() == 0;
	if (demo_spawn(d, 0, bin, load_client, -1, d->private_ns, err,
		       errlen) < 0) {
		free(d);
		return NULL;
	}
	if (d->private_ns) {
		snprintf(d->netns, sizeof(d->netns), "/proc/%d/ns/net",
			 (int)d->pid[0]);
		nsfd = open(d->netns, O_RDONLY | O_CLOEXEC);
		d->nsfd = nsfd;
	}
	rc = d->private_ns && nsfd < 0 ? -1 :
	     demo_spawn(d, 1, bin, load_server, nsfd, false, err, errlen);
	if (rc < 0) {
		if (d->private_ns && nsfd < 0)
			snprintf(err, errlen, "demo: %s: %s", d->netns,
				 strerror(errno));
		demo_stop(d);
		return NULL;
	}
	return d;
}

const char *demo_netns(const struct demo *d)
{
	return d->private_ns ? d->netns : NULL;
}

const char *demo_label(const struct demo *d)
{
	return d->private_ns ? "demo (private)" : "demo (own netns)";
}

int demo_running(struct demo *d)
{
	int n = 0;

	for (int i = 0; i < d->n; i++) {
		char err[256];
		int st;

		if (d->pid[i] > 0 && waitpid(d->pid[i], &st, WNOHANG) ==
		    d->pid[i]) {
			d->pid[i] = 0;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				d->failed = true;
			/* A round that ended well starts again, in the
			 * namespace the sampler watches (kept open: the
			 * twload that made it is gone). */
			else if ((!d->private_ns || d->nsfd >= 0) &&
				 demo_spawn(d, i, d->bin, d->args[i], d->nsfd,
					    false, err, sizeof(err)) == 0)
				d->rounds++;
			else
				d->failed = true;
		}
		n += d->pid[i] > 0;
	}
	return n;
}

unsigned int demo_rounds(const struct demo *d)
{
	return d->rounds;
}

bool demo_failed(const struct demo *d)
{
	return d->failed;
}

/* Waits up to ms milliseconds for pid to exit; true when it did. */
static bool demo_wait(pid_t pid, int ms)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	for (int t = 0; t <= ms; t += 20) {
		pid_t r = waitpid(pid, NULL, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

void demo_stop(struct demo *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->n; i++)
		if (d->pid[i] > 0)
			kill(d->pid[i], SIGTERM);
	for (int i = 0; i < d->n; i++) {
		if (d->pid[i] > 0 && !demo_wait(d->pid[i], 2000)) {
			kill(d->pid[i], SIGKILL);
			waitpid(d->pid[i], NULL, 0);
		}
	}
	if (d->nsfd >= 0)
		close(d->nsfd);
	free(d);
}
