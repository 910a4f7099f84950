/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private interface between the parts of the dashboard (src/ui*.c). */
#ifndef TWTOP_UI_PRIV_H
#define TWTOP_UI_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "twtop/options.h"
#include "twtop/sampler.h"
#include "twtop/snapshot.h"
#include "twtop/sparkline.h"
#include "twtop/theme.h"
#include "ui_layout.h"
#include "ui_markers.h"

struct demo;
struct replay;
struct ui_allns;

#define UI_MSG_SECONDS	8.0	/* how long a status message stays */
#define FILTER_INPUT_MAX 512	/* as snapshot->filter */
#define UI_KEY_ESC	27	/* getch()'s Esc: curses names no KEY_ for it */

/* Selection and scrolling of one panel. */
struct panel_state {
	int sel;		/* selected row */
	int top;		/* first row shown */
	int page;		/* rows shown at the last draw */
	bool has_id;		/* id names the selected row */
	struct focus_req id;	/* identity of the selected row */
	int sort;		/* sort column (ui_sort.c), 0: as sampled */
	bool sort_inv;		/* 'I': the other direction */
	/* Where the last draw put row `top` and how many lines a row
	 * takes (ui_list_placed, for the mouse); row_lines 0: the rows
	 * are the panel's last `page` lines, one each. */
	int row_y, row_lines;
};

/* A sortable list's columns (ui_sort.c): names[0] is the order the
 * snapshot has the rows in; asc[k]: column k runs ascending (names,
 * addresses) rather than descending (counts, rates). */
struct ui_sort_cols {
	int n;
	const char *const *names;
	const bool *asc;
};

/* Compares rows a and b by sort column k, ascending: < 0, 0, > 0. */
typedef int (*ui_sort_cmp)(const void *ctx, int a, int b, int k);

/* Service names of ports (getservbyport), looked up once each. */
#define UI_SVC_SLOTS 512
struct ui_svc {
	uint16_t port;
	bool used;
	char name[16];		/* "" when /etc/services has none */
};

enum ui_view { UI_VIEW_MAIN, UI_VIEW_DRILL, UI_VIEW_ALLNS };

/* Everything the UI thread knows; passed to every panel. */
struct ui {
	const struct options *opt;
	struct sampler *sp;
	struct snapshot *snap;		/* a reference, or NULL */
	struct theme theme;
	attr_t attr[TH_COUNT];		/* curses attributes per element */
	int theme_idx;			/* position in themes for 't' */
	bool color;			/* the terminal shows colours */
	bool color_off;			/* NO_COLOR or no colours: mono */
	enum spark_style glyphs;	/* block glyphs on UTF-8 terminals */
	bool utf8;
	struct ui_layout lay;
	int focus;			/* focused panel */
	struct panel_state ps[UI_NPANELS];
	enum ui_view view;
	bool help;			/* the help overlay is up */
	bool zoom;			/* z: the focused panel fills the body */
	struct focus_req drill;		/* what the drill-down shows */
	struct panel_state drill_ps;	/* its socket list */
	bool paused;
	double interval;
	char msg[512];
	bool msg_error;
	double msg_until;		/* monotonic seconds */
	char themes[THEME_LIST_MAX][THEME_NAME_MAX];
	unsigned int n_themes;
	bool quit;
	int quit_signal;		/* SIGINT/TERM/HUP that ended it */
	struct demo *demo;		/* --demo's load, or NULL */
	bool demo_ended;		/* its end was announced */
	unsigned int demo_rounds;	/* restarts announced */
	bool adv_open;			/* Enter: the selected advisory's evidence */
	bool closers_cg;		/* c: who closes by container */
	int adv_sel;			/* the advisory ps->top scrolls */
	struct ui_markers markers;	/* 'm' */
	bool prompt;			/* '/': the filter prompt is open */
	char input[FILTER_INPUT_MAX];	/* its text */
	struct replay *replay;		/* --replay's records, or NULL */
	size_t rec;			/* the record shown, from 0 */
	attr_t sel_attr[TH_COUNT];	/* elements on the selected row's
					 * background (bars, gauges) */
	struct ui_svc svc[UI_SVC_SLOTS];	/* ui_service() */
	struct ui_allns *allns;		/* --all-netns's list, or NULL */
	int wake_fd;			/* the wake pipe's write end */
};

/*
 * A panel: table-driven, one per src/ui_panel_*.c. rows/row_id are
 * optional: rows gives the selectable rows, row_id names a row (for
 * keeping the selection across samples and for Enter's drill-down).
 */
struct panel_ops {
	/* Writes the title (it may carry counts) into buf. */
	void (*title)(const struct ui *u, char *buf, size_t len);
	/* Draws the body below the title line. */
	void (*draw)(struct ui *u, const struct ui_rect *r,
		     struct panel_state *ps, bool focused);
	/* Handles a key while focused; true when used. */
	bool (*key)(struct ui *u, struct panel_state *ps, int key);
	int (*rows)(const struct ui *u);
	bool (*row_id)(const struct ui *u, int row, struct focus_req *id);
	/* The title's colour when not TH_TITLE (advisories at warn), or
	 * NULL. */
	enum theme_elem (*title_elem)(const struct ui *u);
	/* Its sort columns (F6, <, >, I), or NULL. */
	const struct ui_sort_cols *sort;
	/* The sort columns of its mode now, when they change with it (who
	 * closes by process or container); NULL: sort. */
	const struct ui_sort_cols *(*sort_now)(const struct ui *u);
	/* The row drawn at screen line y of panel r, or -1; NULL: as
	 * ps->row_y and row_lines say (for the mouse). */
	int (*row_at)(const struct ui *u, const struct ui_rect *r,
		      const struct panel_state *ps, int y);
};

extern const struct panel_ops ui_panel_states;
extern const struct panel_ops ui_panel_trend;
extern const struct panel_ops ui_panel_eph;
extern const struct panel_ops ui_panel_peers;
extern const struct panel_ops ui_panel_ports;
extern const struct panel_ops ui_panel_kernel;
extern const struct panel_ops ui_panel_advice;
extern const struct panel_ops ui_panel_closers;

/* ui_draw.c: drawing helpers (UI thread only). */
void ui_colors_apply(struct ui *u);
attr_t ui_attr(const struct ui *u, enum theme_elem e);
int ui_text(const struct ui *u, int y, int x, int w, enum theme_elem e,
	    const char *s);
int ui_textf(const struct ui *u, int y, int x, int w, enum theme_elem e,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int ui_text_right(const struct ui *u, int y, int x, int w,
		  enum theme_elem e, const char *s);
int ui_text_words(const struct ui *u, int y, int x, int w,
		  enum theme_elem e, const char *s);
int ui_text_alt(const struct ui *u, int y, int x, int w, enum theme_elem e,
		const char *const *alt, int n);
void ui_fill(const struct ui *u, int y, int x, int w, enum theme_elem e);
int ui_width(const char *s);
void ui_bar(const struct ui *u, int y, int x, int w, double frac,
	    enum theme_elem e);
void ui_bar_sel(const struct ui *u, int y, int x, int w, double frac,
		enum theme_elem e, bool selected);
void ui_gauge_sel(const struct ui *u, int y, int x, int w, double frac,
		  bool selected);
int ui_head(const struct ui *u, int y, int x, int w, const char *label,
	    bool right, const struct panel_state *ps, int k,
	    const struct ui_sort_cols *cols);
const char *ui_sort_title(const struct ui *u, int panel, char *buf,
			  size_t len);
const char *ui_service(struct ui *u, uint16_t port);
int ui_list_top(const struct ui *u, int rows);
const char *ui_ellipsis(const struct ui *u);
enum theme_elem ui_gauge_elem(double frac);
enum theme_elem ui_forecast_elem(const struct snap_group *g);
const char *ui_forecast_text(const struct snap_group *g, int w, char *buf,
			     size_t len);
void ui_panel_frame(struct ui *u, const struct ui_rect *r, const char *title,
		    bool focused);
void ui_panel_frame_elem(struct ui *u, const struct ui_rect *r,
			 const char *title, enum theme_elem e);
#define UI_COUNT_W 7	/* columns of ui_count() */
const char *ui_count(char *buf, size_t len, unsigned long long v);
const char *ui_count_fit(char *buf, size_t len, unsigned long long v, int w);
const char *ui_rate(char *buf, size_t len, bool valid, double v);
const char *ui_addr(const struct tw_addr *a, char *buf, size_t len);

/* ui_num.c: numbers in their columns (pure). */
const char *ui_rate_fit(char *buf, size_t len, bool valid, double v, int w);
const char *ui_pct(char *buf, size_t len, double frac);
#define UI_FC_FORMS 3	/* "steady at 31%", "steady 31%", "~31%" */
const char *ui_forecast_form(const struct snap_group *g, int k, char *buf,
			     size_t len);

/* ui_addr.c: addresses in their columns (pure). */
int ui_cols(const char *s);
const char *ui_elide(const char *s, int w, bool utf8, char *buf, size_t len);
const char *ui_addr_fit(const struct tw_addr *a, int w, bool utf8, char *buf,
			size_t len);
const char *ui_addr_port_fit(const struct tw_addr *a, uint16_t port, int w,
			     bool utf8, char *buf, size_t len);
const char *ui_group_fit(const struct tw_addr *l, const struct tw_addr *r,
			 uint16_t port, int w, bool utf8, char *buf,
			 size_t len);

/* ui_sort.c: sorting the lists (a view; the snapshot keeps its order). */
bool ui_sort_desc(const struct ui_sort_cols *cols, int k, bool inv);
const char *ui_sort_glyph(bool utf8, bool desc);
void ui_sort_rows(int *idx, int *tmp, int n, const struct ui_sort_cols *cols,
		  int k, bool inv, ui_sort_cmp cmp, const void *ctx);
int ui_cmp_num(double a, double b);
int ui_cmp_addr(const struct tw_addr *a, const struct tw_addr *b);
bool ui_sort_key(struct ui *u, int key);
/* Panel's sort columns as they are now (panel_ops sort_now or sort). */
const struct ui_sort_cols *ui_panel_sort(const struct ui *u, int panel);
/* A click at (y, x) on the heading of a sortable list: sorts by the column
 * under it (again: inverts). True when it was such a click. */
bool ui_sort_click(struct ui *u, int panel, int y, int x);
void ui_list_view(struct panel_state *ps, bool focused);
const char *ui_arrow(const struct ui *u);

/* ui_nav.c: selection in lists. */
bool ui_list_key(struct panel_state *ps, int key, int rows);
void ui_list_clamp(struct panel_state *ps, int rows, int visible);
void ui_list_placed(struct panel_state *ps, int y, int lines);
int ui_list_row_at(const struct ui *u, int panel, int y);
void ui_list_sync(struct ui *u, int panel);
double ui_now(void);
void ui_message(struct ui *u, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ui_frame.c: header, status line, the whole screen. */
void ui_draw_screen(struct ui *u);

/* ui_drill.c: the drill-down view. */
void ui_drill_draw(struct ui *u, const struct ui_rect *body);
bool ui_drill_key(struct ui *u, int key);
/* A container's name (ui_panel_closers.c): the container or unit, else
 * the last part of its cgroup path (or the path, "/"), else its id,
 * else unknown. Returns buf. */
const char *ui_cgroup_name(const struct snap_closer_cgroup *g, char *buf,
			   size_t len);
/* Failed connect() rows (ui_panel_closers.c): lines used. */
int ui_connerr_rows(struct ui *u, int y, int x, int w, int h,
		    const struct snap_connerr *v, uint32_t n, uint32_t total);
/* "peer 10.0.0.1", "local port :8080", "remote port :443",
 * "process 1234", "container (cgroup 5678)". Returns buf. */
const char *ui_drill_what(const struct focus_req *f, char *buf, size_t len);
void ui_drill_open(struct ui *u, const struct focus_req *f);
void ui_drill_close(struct ui *u);

/* ui_prompt.c: the '/' filter prompt and 'm' markers. */
void ui_prompt_open(struct ui *u);
void ui_prompt_key(struct ui *u, int key);
void ui_prompt_draw(struct ui *u, int y);
void ui_marker_drop(struct ui *u);

/* ui_replay.c: --replay, records instead of a sampler (u->sp NULL). */
/* Loads u->opt->replay and shows its first record; -1 with the reason. */
int ui_replay_open(struct ui *u, char *err, size_t errlen);
void ui_replay_close(struct ui *u);
/* Shows record k (an error goes to the status line). */
void ui_replay_show(struct ui *u, size_t k);
/* Keys that mean something else in a replay; true when handled. */
bool ui_replay_key(struct ui *u, int key);

/* ui_allns.c: --all-netns, the list of namespaces (UI_VIEW_ALLNS);
 * Enter opens one as u->sp, Esc closes it. */
int ui_allns_open(struct ui *u, char *err, size_t errlen);
int ui_allns_start(struct ui *u);	/* the runner; -1 with errno */
void ui_allns_stop(struct ui *u);
void ui_allns_close(struct ui *u);
void ui_allns_take(struct ui *u);	/* after a wake-up */
bool ui_allns_key(struct ui *u, int key);	/* true when handled */
void ui_allns_interval(struct ui *u, double seconds);
void ui_allns_draw(struct ui *u, const struct ui_rect *body);
const char *ui_allns_head(const struct ui *u, char *buf, size_t len);

/* ui_help.c: the help overlay. */
void ui_help_draw(struct ui *u);

/* ui_keys.c: key dispatch and the actions behind keys. */
void ui_key(struct ui *u, int key);
void ui_mouse(struct ui *u);
void ui_save_snapshot(struct ui *u);
const struct panel_ops *ui_panel(int id);

#endif
