/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user's defaults file: ~/.config/twtop/config. */
#ifndef TWTOP_CONFIG_H
#define TWTOP_CONFIG_H

#include <stddef.h>

#include "twtop/options.h"

/*
 * Format, one setting per line, '#' starts a comment:
 *	theme = light            (a name from the theme directory or a path)
 *	interval = 0.5           (seconds, 0.1 to 3600)
 *	snapshot_dir = /var/tmp  (where 's' writes snapshots)
 */

/* Parses config text into o. Returns 0, or -1 with "path:line: what is
 * wrong" in err. */
int config_parse(struct options *o, const char *text, const char *path,
		 char *err, size_t errlen);

/* Reads and parses one config file. A missing file returns 0 and
 * changes nothing; other errors return -1 with a message in err. */
int config_load_file(struct options *o, const char *path, char *err,
		     size_t errlen);

/* Loads $XDG_CONFIG_HOME/twtop/config, else ~/.config/twtop/config, if it
 * exists. Called by main() before options_parse(). 0 or -1 with err. */
int config_load_default(struct options *o, char *err, size_t errlen);

/* The path config_load_default() reads, in buf; "" when no home is
 * known. Returns buf. */
const char *config_default_path(char *buf, size_t len);

#endif
