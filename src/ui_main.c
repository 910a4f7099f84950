/* Placeholder dashboard until the ncurses UI lands. */
#include <stdio.h>

#include "twtop/ui.h"

int ui_main(const struct options *o)
{
	(void)o;
	fputs("twtop: the live dashboard (top for TCP teardown) is not built "
	      "yet.\nUse 'twtop --once --json' for one sample as JSON, or "
	      "'twtop --batch' for a line per sample.\n", stderr);
	return 2;
}
