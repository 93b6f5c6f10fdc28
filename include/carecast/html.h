/* html.h: the report's page: one self-contained HTML file.
 *
 * Everything the page needs is inside it: the style sheet (with print
 * styles: each section starts a page, charts are not split, the banner of
 * an internal report repeats on every printed page) and one small script
 * that checks, once the page is laid out, that every chart has drawn
 * (marking each <svg class="chart"> with data-drawn="yes" or "no" and the
 * <body> with data-charts, data-charts-drawn and data-errors, the count of
 * script errors), for the browser test and for a reader who wonders. No
 * file, font or script is fetched from anywhere.
 *
 * Every text given to these functions is escaped; cells and paragraphs are
 * plain text, never markup. */
#ifndef CARECAST_HTML_H
#define CARECAST_HTML_H

#include <stddef.h>
#include <stdio.h>

#define CC_HTML_INTERNAL_TEXT "internal: not for publication"

typedef struct cc_html_page {
  const char *title;     /* the document's title and first heading */
  const char *subtitle;  /* a line under it (store, runs, date), may be NULL */
  int internal;          /* 1: CC_HTML_INTERNAL_TEXT on every page (screen and print) */
} cc_html_page;

/* One entry of the table of contents. */
typedef struct cc_html_toc_entry {
  const char *id;     /* the section's anchor */
  const char *title;  /* as listed */
  int level;          /* 1 for a section, 2 for a part of one */
} cc_html_toc_entry;

/* The page up to the start of its content: doctype, head (title, style,
 * the error listener), the banner when internal, the title and subtitle. */
void cc_html_begin(FILE *out, const cc_html_page *page);

/* The end of the page: the banner again when internal, the chart check, </html>. */
void cc_html_end(FILE *out, const cc_html_page *page);

/* Write text escaped for HTML content and attribute values. */
void cc_html_escape(FILE *out, const char *text);

/* The table of contents. */
void cc_html_toc(FILE *out, size_t n, const cc_html_toc_entry *entries);

/* Start a section (a new printed page) with an anchor id and a heading. */
void cc_html_section_begin(FILE *out, const char *id, const char *title);
void cc_html_section_end(FILE *out);

/* A heading of level 3 or 4 with an anchor (id may be NULL). */
void cc_html_heading(FILE *out, int level, const char *id, const char *text);

/* A paragraph of plain text; css_class may be NULL (e.g. "note"). */
void cc_html_paragraph(FILE *out, const char *css_class, const char *text);

/* A table: a caption (may be NULL), n_columns headers and the alignment of
 * each column as a string of 'l' (text) and 'r' (numbers), e.g. "lrrr". */
void cc_html_table_begin(FILE *out, const char *caption, size_t n_columns, const char *const *headers, const char *align);

/* One row of n_columns cells (plain text; NULL is an empty cell). */
void cc_html_table_row(FILE *out, size_t n_columns, const char *const *cells, const char *align);

void cc_html_table_end(FILE *out);

/* Start and end a figure around one chart, with a caption under it (may be NULL). */
void cc_html_figure_begin(FILE *out);
void cc_html_figure_end(FILE *out, const char *caption);

#endif
