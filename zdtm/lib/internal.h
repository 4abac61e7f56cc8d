/* Shared between the library's own files; tests do not include this. */
#ifndef ZDTM_INTERNAL_H
#define ZDTM_INTERNAL_H

void zdtm_parse_options(int argc, char **argv, const char **pidfile, const char **outfile);

#endif
