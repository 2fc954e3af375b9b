#ifndef AUTOCAPTURE_CNCURSESW_SHIM_H
#define AUTOCAPTURE_CNCURSESW_SHIM_H
// Wide-character ncurses; Swift cannot import the macros and mutable globals below,
// so they are wrapped in static inline accessors.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *ac_stdscr(void) { return stdscr; }
static inline int ac_lines(void) { return LINES; }
static inline int ac_cols(void) { return COLS; }
static inline int ac_colors(void) { return COLORS; }
static inline int ac_color_pairs(void) { return COLOR_PAIRS; }
static inline int ac_color_pair(int n) { return COLOR_PAIR(n); }
static inline int ac_a_normal(void) { return A_NORMAL; }
static inline int ac_a_bold(void) { return A_BOLD; }
static inline int ac_a_dim(void) { return A_DIM; }
static inline int ac_a_reverse(void) { return A_REVERSE; }
static inline int ac_a_underline(void) { return A_UNDERLINE; }
static inline int ac_a_italic(void) { return A_ITALIC; }
static inline int ac_key_code_yes(void) { return KEY_CODE_YES; }
static inline int ac_key_resize(void) { return KEY_RESIZE; }
static inline int ac_err(void) { return ERR; }
#endif
