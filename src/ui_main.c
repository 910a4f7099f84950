/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dashboard: terminal setup, the event loop, teardown. */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "twtop/demo.h"
#include "twtop/prom_writer.h"
#include "twtop/ui.h"
#include "twtop/xalloc.h"
#include "ui_priv.h"

#define UI_TOP_MIN 50		/* top list length kept for big screens */
#define UI_PROM_STOP_S 2.0	/* quitting waits this long for a
				 * --prometheus write, the terminal restored */

/* The write end of the signal pipe: the one thing handlers touch. */
/* The demo's loads: a failure is said once; a new round of the load
 * (they start again until twtop quits) is announced. */
static void ui_demo_check(struct ui *u)
{
	int running = demo_running(u->demo);

	if (demo_failed(u->demo)) {
		u->demo_ended = true;
		ui_message(u, true, "demo: twload failed (are ports "
			   "18080/18081 in use? run as root for a private "
			   "namespace)");
	} else if (running == 0) {
		u->demo_ended = true;
		ui_message(u, false, "demo: the load has ended; its TIME_WAIT "
			   "fades within 60 s");
	} else if (demo_rounds(u->demo) != u->demo_rounds) {
		u->demo_rounds = demo_rounds(u->demo);
		ui_message(u, false, "demo: the load starts again (round %u)",
			   u->demo_rounds + 1);
	}
}

static volatile sig_atomic_t sig_fd = -1;

static const int ui_signals[] = { SIGWINCH, SIGUSR1, SIGINT, SIGTERM,
				  SIGHUP };
#define N_SIGNALS (sizeof(ui_signals) / sizeof(ui_signals[0]))

/* Signal handler: passes the signal number down the pipe. */
static void ui_on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (sig_fd >= 0 && write(sig_fd, &b, 1) < 0) {
		/* a full pipe already holds a wakeup */
	}
	errno = saved;
}

/* What the sampler's notify callback needs. */
struct ui_wake {
	int fd;				/* the wake pipe's write end */
	struct sampler *sp;
	struct prom_writer *pw;		/* --prometheus, or NULL */
};

/* One byte down the wake pipe fd. */
static void ui_wake_up(int fd)
{
	char b = 's';

	if (write(fd, &b, 1) < 0) {
		/* full pipe: a wakeup is pending anyway */
	}
}

/* The sampler's notify callback, in the sampler thread: the snapshot it
 * just published goes to the --prometheus writer (which never waits for
 * the disk), and the UI thread is woken. */
static void ui_notify(void *arg)
{
	const struct ui_wake *w = arg;

	if (w->pw) {
		struct snapshot *s = sampler_current(w->sp);

		if (s)
			prom_writer_post(w->pw, s);
		snap_unref(s);
	}
	ui_wake_up(w->fd);
}

/* The --prometheus writer's callback, in its thread: a write failed;
 * the UI thread wakes to show it. */
static void ui_prom_notify(void *arg)
{
	ui_wake_up(*(const int *)arg);
}

/* Installs (or with restore, restores) the handlers of ui_signals. */
static void ui_signals_set(bool install, struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ui_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < N_SIGNALS; i++) {
		if (install)
			sigaction(ui_signals[i], &sa, &old[i]);
		else
			sigaction(ui_signals[i], &old[i], NULL);
	}
}

/* Picks and loads the theme: --theme or config, else mono under
 * NO_COLOR, else default (built-in mono when no theme file exists). */
static int ui_theme_init(struct ui *u, char *err, size_t errlen)
{
	const char *nc = getenv("NO_COLOR");
	const char *name = u->opt->theme;

	u->color_off = !name[0] && nc && *nc;
	if (!name[0])
		name = u->color_off ? "mono" : "default";
	if (theme_load(&u->theme, name, err, errlen) < 0) {
		if (u->opt->theme[0])
			return -1;
		theme_builtin_mono(&u->theme);
	}
	u->n_themes = theme_list(u->themes, THEME_LIST_MAX);
	for (unsigned int i = 0; i < u->n_themes; i++)
		if (strcmp(u->themes[i], u->theme.name) == 0)
			u->theme_idx = (int)i;
	return 0;
}

/* Starts curses on the terminal; false when it cannot. */
static bool ui_curses_start(struct ui *u)
{
	const char *cs;

	if (!newterm(NULL, stdout, stdin))
		return false;
	cs = nl_langinfo(CODESET);
	u->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	u->glyphs = u->utf8 ? SPARK_BLOCK : SPARK_ASCII;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	mousemask(ALL_MOUSE_EVENTS, NULL);	/* clicks, wheel: ui_mouse */
	mouseinterval(0);			/* a press acts at once */
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	u->color = has_colors() && start_color() == OK;
	if (!u->color)
		u->color_off = true;
	if (u->color_off && strcmp(u->theme.name, "mono") != 0 &&
	    !u->opt->theme[0])
		theme_load(&u->theme, "mono", u->msg, sizeof(u->msg));
	ui_colors_apply(u);
	return true;
}

/* The terminal changed size: tell curses. */
static void ui_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

/* Handles the bytes of the signal pipe. */
static void ui_read_signals(struct ui *u, int fd)
{
	unsigned char b[64];
	ssize_t n = read(fd, b, sizeof(b));

	for (ssize_t i = 0; i < n; i++) {
		if (b[i] == SIGWINCH)
			ui_resize();
		else if (b[i] == SIGUSR1)
			ui_save_snapshot(u);
		else {
			u->quit = true;
			u->quit_signal = b[i];
		}
	}
}

/* Takes the newest snapshot, if there is one, and shows a failed
 * --prometheus write (pw: its writer, or NULL). */
static void ui_take_snapshot(struct ui *u, int fd, struct prom_writer *pw)
{
	char b[PATH_MAX + 128];
	struct snapshot *s;

	while (read(fd, b, sizeof(b)) > 0)
		;
	if (pw && prom_writer_error(pw, b, sizeof(b)))
		ui_message(u, true, "--prometheus: %s", b);
	if (u->allns)
		ui_allns_take(u);
	if (!u->sp)		/* --all-netns's list: no namespace open */
		return;
	s = sampler_current(u->sp);
	if (!s || s == u->snap) {
		snap_unref(s);
		return;
	}
	snap_unref(u->snap);
	u->snap = s;
	for (int i = 0; i < UI_NPANELS; i++)
		ui_list_sync(u, i);
}

/* Milliseconds until the clock in the header shows the next second. */
static int ui_tick_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int)(1000 - ts.tv_nsec / 1000000) + 5;
}

/* The event loop: redraw on a sample, a key, a signal or a clock tick. */
static void ui_loop(struct ui *u, int wake_fd, int signal_fd,
		    struct prom_writer *pw)
{
	struct pollfd pf[3] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = wake_fd, .events = POLLIN },
		{ .fd = signal_fd, .events = POLLIN },
	};

	ui_draw_screen(u);
	while (!u->quit) {
		int rc = poll(pf, 3, ui_tick_ms()), key;

		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0 && pf[2].revents)
			ui_read_signals(u, signal_fd);
		if (rc > 0 && pf[1].revents)
			ui_take_snapshot(u, wake_fd, pw);
		if (rc > 0 && (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			u->quit = true;
		while (!u->quit && (key = getch()) != ERR)
			ui_key(u, key);
		if (u->demo && !u->demo_ended)
			ui_demo_check(u);
		if (!u->quit)
			ui_draw_screen(u);
	}
}

/* Opens a non-blocking, close-on-exec pipe. */
static int ui_pipe(int p[2])
{
	return pipe2(p, O_NONBLOCK | O_CLOEXEC);
}

/* Stops the --prometheus writer (pw, or NULL), the terminal restored,
 * and says so when its last write failed or still hangs. False when it
 * hangs: its thread may still write to the wake pipe. */
static bool ui_prom_stop(struct prom_writer *pw)
{
	char err[PATH_MAX + 128];
	int rc;

	if (pw == NULL)
		return true;
	rc = prom_writer_stop(pw, UI_PROM_STOP_S, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "twtop: --prometheus: %s\n", err);
	if (rc < 0)
		prom_writer_abandon(pw);
	return rc >= 0;
}

/* Runs the dashboard once everything is set up; returns the status. */
static int ui_run(struct ui *u, struct demo *demo)
{
	struct sigaction old[N_SIGNALS];
	struct ui_wake wk = { .sp = u->sp, .pw = NULL };
	int wake[2], sigp[2];

	if (ui_pipe(wake) < 0 || ui_pipe(sigp) < 0) {
		fprintf(stderr, "twtop: pipe: %s\n", strerror(errno));
		return 1;
	}
	wk.fd = wake[1];
	u->wake_fd = wake[1];
	/* --all-netns: its runner writes the file of every namespace */
	if (!u->replay && !u->allns && u->opt->prometheus[0] &&
	    !(wk.pw = prom_writer_start(u->opt->prometheus, u->opt->top,
					ui_prom_notify, &wk.fd))) {
		fprintf(stderr, "twtop: --prometheus: %s\n", strerror(errno));
		return 1;
	}
	if (!ui_curses_start(u)) {
		ui_prom_stop(wk.pw);
		fprintf(stderr, "twtop: cannot use the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	sig_fd = sigp[1];
	ui_signals_set(true, old);
	/* A resize between initscr() and the handler sent a SIGWINCH
	 * nobody saw: take the terminal's size now. */
	ui_resize();
	if (demo)
		ui_message(u, false, "demo: twload makes TIME_WAIT on loopback%s",
			   demo_netns(demo) ? " in a private namespace "
			   "(tcp_tw_reuse=0 there)" : "");
	if (u->allns && ui_allns_start(u) < 0) {
		endwin();
		fprintf(stderr, "twtop: cannot start the namespace runner: "
			"%s\n", strerror(errno));
		return 1;
	}
	if (!u->replay && !u->allns &&
	    sampler_start(u->sp, ui_notify, &wk) < 0) {
		endwin();
		fprintf(stderr, "twtop: cannot start the sampler: %s\n",
			strerror(errno));
		ui_prom_stop(wk.pw);
		return 1;
	}
	ui_loop(u, wake[0], sigp[0], wk.pw);
	if (!u->replay && u->sp)
		sampler_stop(u->sp);
	ui_allns_stop(u);
	/* the terminal first: a slow last write must not hold it */
	endwin();
	ui_signals_set(false, old);
	sig_fd = -1;
	if (ui_prom_stop(wk.pw)) {
		close(wake[0]);
		close(wake[1]);
	}
	close(sigp[0]);
	close(sigp[1]);
	return u->quit_signal ? 128 + u->quit_signal : 0;
}

/* The sampler the dashboard watches (live mode); 0 or -1 after saying
 * why on stderr. */
static int ui_sampler_init(struct ui *u, struct demo **demo)
{
	const struct options *o = u->opt;
	char err[PATH_MAX + 256];

	if (o->demo && !(*demo = demo_start(err, sizeof(err)))) {
		fprintf(stderr, "twtop: %s\n", err);
		return -1;
	}
	u->sp = options_sampler_new(o, UI_TOP_MIN,
				    *demo ? demo_netns(*demo) : NULL,
				    *demo ? demo_label(*demo) : NULL, err,
				    sizeof(err));
	if (!u->sp) {
		fprintf(stderr, "twtop: %s\n", err);
		demo_stop(*demo);
		*demo = NULL;
		return -1;
	}
	u->demo = *demo;
	return 0;
}

/* Frees what ui_main set up. */
static void ui_free(struct ui *u, struct demo *demo)
{
	sampler_free(u->sp);
	ui_allns_close(u);
	if (u->replay)
		ui_replay_close(u);
	snap_unref(u->snap);
	demo_stop(demo);
	free(u);
}

int ui_main(const struct options *o)
{
	struct ui *u;
	struct demo *demo = NULL;
	char err[PATH_MAX + 256];
	int rc;

	u = xcalloc(1, sizeof(*u));
	u->opt = o;
	u->interval = o->interval;
	u->focus = UI_P_PEERS;
	/* A file that will not open is reported before the terminal is
	 * touched. */
	if (o->replay[0] && ui_replay_open(u, err, sizeof(err)) < 0) {
		fprintf(stderr, "twtop: %s\n", err);
		ui_free(u, NULL);
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("twtop: the dashboard needs a terminal on stdin and "
		      "stdout.\nFor output to a pipe or file use 'twtop --once "
		      "--json' (one sample) or 'twtop --batch' (a line per "
		      "sample).\n", stderr);
		ui_free(u, NULL);
		return 2;
	}
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");	/* JSON numbers keep their '.' */
	if (ui_theme_init(u, err, sizeof(err)) < 0) {
		fprintf(stderr, "twtop: %s\n", err);
		ui_free(u, NULL);
		return 2;
	}
	if (o->all_netns) {
		if (ui_allns_open(u, err, sizeof(err)) < 0) {
			fprintf(stderr, "twtop: %s\n", err);
			ui_free(u, NULL);
			return 1;
		}
	} else if (!u->replay && ui_sampler_init(u, &demo) < 0) {
		ui_free(u, NULL);
		return 1;
	}
	rc = ui_run(u, demo);
	ui_free(u, demo);
	return rc;
}
