#ifndef AUTOCAPTURE_CNCURSESW_SHIM_H
#define AUTOCAPTURE_CNCURSESW_SHIM_H
// Wide-character ncurses for CursesTerminal. Swift cannot import function-like macros or the
// mutable globals (stdscr, LINES, COLS, COLORS...), so each one used is wrapped here in a
// static inline function with an ac_ prefix.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *ac_stdscr(void) { return stdscr; }
/// Starts curses on the standard streams like initscr, but returns NULL for a terminal
/// type without a terminfo entry instead of printing its own message and exiting.
static inline SCREEN *ac_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int ac_lines(void) { return LINES; }
static inline int ac_cols(void) { return COLS; }
static inline int ac_colors(void) { return COLORS; }
static inline int ac_color_pairs(void) { return COLOR_PAIRS; }
static inline int ac_color_pair(int n) { return COLOR_PAIR(n); }
static inline attr_t ac_a_normal(void) { return A_NORMAL; }
static inline attr_t ac_a_bold(void) { return A_BOLD; }
static inline attr_t ac_a_dim(void) { return A_DIM; }
static inline attr_t ac_a_reverse(void) { return A_REVERSE; }
static inline attr_t ac_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ac_a_italic(void) { return A_ITALIC; }
static inline int ac_key_code_yes(void) { return KEY_CODE_YES; }
static inline int ac_key_resize(void) { return KEY_RESIZE; }
static inline int ac_key_f0(void) { return KEY_F0; }
static inline int ac_err(void) { return ERR; }

/// Sets the attributes and (extended) colour pair for the following writes.
static inline int ac_set_style(attr_t attrs, int pair) {
  return wattr_set(stdscr, attrs, (NCURSES_PAIRS_T)(pair <= 0x7fff ? pair : 0), (void *)&pair);
}
/// Writes a NUL-terminated wide string at (y, x).
static inline int ac_put(int y, int x, const wchar_t *text) { return mvaddwstr(y, x, text); }
/// Reads one key or wide character (OK, KEY_CODE_YES or ERR).
static inline int ac_get_wch(wint_t *key) { return get_wch(key); }
/// Waits at most `ms` for input in ac_get_wch (-1: forever, 0: do not wait).
static inline void ac_timeout(int ms) { timeout(ms); }
static inline int ac_keypad(int on) { return keypad(stdscr, on ? TRUE : FALSE); }
static inline int ac_refresh(void) { return refresh(); }
/// Makes the next refresh clear and repaint the whole screen.
static inline int ac_clearok(void) { return clearok(stdscr, TRUE); }
static inline int ac_erase(void) { return erase(); }
/// The columns curses gives a wide character (wcwidth is hidden without _XOPEN_SOURCE).
extern int wcwidth(wchar_t);
static inline int ac_wcwidth(wchar_t c) { return wcwidth(c); }
/// True when the locale's character set is UTF-8.
static inline int ac_locale_is_utf8(void) {
  const char *codeset = nl_langinfo(CODESET);
  return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}
#endif
