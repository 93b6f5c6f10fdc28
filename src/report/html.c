/* html.c: the report's page structure, style and chart check (html.h). */
#include "carecast/html.h"

#include "carecast/svg.h"

/* Screen: a readable column on a laptop. Print: A4, a page per section,
 * charts and table rows kept whole, the internal banner fixed at the top of
 * every printed page. Greys and one blue, readable printed without colour. */
static const char style_sheet[] =
    "body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;color:#1a1a1a;margin:0 auto;"
    "max-width:980px;padding:0 24px 48px;line-height:1.45;font-size:15px}\n"
    "h1{font-size:26px;margin:24px 0 4px}h2{font-size:21px;border-bottom:2px solid #08306b;padding-bottom:4px;"
    "margin-top:40px}h3{font-size:17px;margin:28px 0 6px}h4{font-size:15px;margin:18px 0 4px}\n"
    ".subtitle{color:#404040;margin:0 0 16px}.note{color:#404040;font-size:13px}\n"
    "table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}caption{text-align:left;font-weight:bold;"
    "padding:4px 0}\nth,td{border-bottom:1px solid #d0d0d0;padding:3px 8px;vertical-align:top}"
    "th{background:#eef2f7;text-align:left}td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}\n"
    "figure{margin:12px 0 20px}figcaption{font-size:13px;color:#404040}svg.chart{max-width:100%;height:auto;"
    "display:block}\n"
    "nav.toc ol{padding-left:22px}nav.toc ol ol{list-style:disc;font-size:13px}\n"
    ".internal-banner{background:#1a1a1a;color:#fff;font-weight:bold;text-align:center;padding:4px;"
    "letter-spacing:.05em;position:sticky;top:0;z-index:1}\n"
    "@media print{@page{size:A4;margin:14mm}body{max-width:none;padding:0;font-size:11pt}"
    "section{break-before:page}figure,tr,svg{break-inside:avoid}h2,h3,h4{break-after:avoid}"
    "nav.toc{break-after:page}.internal-banner{position:fixed;top:0;left:0;right:0}"
    "body.internal{padding-top:28px}a{color:inherit;text-decoration:none}}\n";

/* Registered first, so that any later script error is counted. */
static const char error_listener[] =
    "window.ccErrors=0;window.addEventListener('error',function(){window.ccErrors++;});\n";

/* Runs at the end of the body: every chart must have a size and at least
 * one data mark whose box is finite and not empty, and no mark with a box
 * that is not finite (a NaN coordinate). */
static const char chart_check[] =
    "(function(){var charts=document.querySelectorAll('svg.chart'),drawn=0;\n"
    "for(var i=0;i<charts.length;i++){var svg=charts[i],r=svg.getBoundingClientRect(),marks=svg.querySelectorAll('.mark'),"
    "shown=0,bad=0;\n"
    "for(var j=0;j<marks.length;j++){var b=marks[j].getBBox();if(!isFinite(b.x+b.y+b.width+b.height)){bad++;continue;}"
    "if(b.width>0||b.height>0)shown++;}\n"
    "var ok=r.width>0&&r.height>0&&shown>0&&bad===0;svg.setAttribute('data-drawn',ok?'yes':'no');if(ok)drawn++;}\n"
    "document.body.setAttribute('data-charts',String(charts.length));"
    "document.body.setAttribute('data-charts-drawn',String(drawn));"
    "document.body.setAttribute('data-errors',String(window.ccErrors));})();\n";

void cc_html_escape(FILE *out, const char *text) { cc_svg_escape(out, text); }

static void banner(FILE *out, const cc_html_page *page) {
  if (page->internal) fputs("<div class=\"internal-banner\" role=\"note\">" CC_HTML_INTERNAL_TEXT "</div>\n", out);
}

void cc_html_begin(FILE *out, const cc_html_page *page) {
  fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        out);
  cc_html_escape(out, page->title);
  fprintf(out, "</title>\n<style>\n%s</style>\n<script>\n%s</script>\n</head>\n<body%s>\n", style_sheet,
          error_listener, page->internal ? " class=\"internal\"" : "");
  banner(out, page);
  fputs("<header>\n<h1>", out);
  cc_html_escape(out, page->title);
  fputs("</h1>\n", out);
  if (page->subtitle) cc_html_paragraph(out, "subtitle", page->subtitle);
  fputs("</header>\n", out);
}

void cc_html_end(FILE *out, const cc_html_page *page) {
  banner(out, page);
  fprintf(out, "<script>\n%s</script>\n</body>\n</html>\n", chart_check);
}

void cc_html_toc(FILE *out, size_t n, const cc_html_toc_entry *entries) {
  fputs("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n", out);
  int open_item = 0, open_sub = 0;
  for (size_t i = 0; i < n; i++) {
    int sub = entries[i].level > 1;
    if (sub && !open_sub) fputs("<ol>\n", out), open_sub = 1;
    if (!sub && open_sub) fputs("</ol>\n", out), open_sub = 0;
    if (open_item && !sub && i > 0) fputs("</li>\n", out);
    if (sub) fputs("<li>", out);
    else fputs("<li>", out), open_item = 1;
    fputs("<a href=\"#", out);
    cc_html_escape(out, entries[i].id);
    fputs("\">", out);
    cc_html_escape(out, entries[i].title);
    fputs(sub ? "</a></li>\n" : "</a>", out);
  }
  if (open_sub) fputs("</ol>\n", out);
  if (open_item) fputs("</li>\n", out);
  fputs("</ol>\n</nav>\n", out);
}

void cc_html_section_begin(FILE *out, const char *id, const char *title) {
  fputs("<section id=\"", out);
  cc_html_escape(out, id);
  fputs("\">\n<h2>", out);
  cc_html_escape(out, title);
  fputs("</h2>\n", out);
}

void cc_html_section_end(FILE *out) { fputs("</section>\n", out); }

void cc_html_heading(FILE *out, int level, const char *id, const char *text) {
  if (level < 3) level = 3;
  if (level > 4) level = 4;
  fprintf(out, "<h%d", level);
  if (id) {
    fputs(" id=\"", out);
    cc_html_escape(out, id);
    fputc('"', out);
  }
  fputc('>', out);
  cc_html_escape(out, text);
  fprintf(out, "</h%d>\n", level);
}

void cc_html_paragraph(FILE *out, const char *css_class, const char *text) {
  fputs("<p", out);
  if (css_class) {
    fputs(" class=\"", out);
    cc_html_escape(out, css_class);
    fputc('"', out);
  }
  fputc('>', out);
  cc_html_escape(out, text);
  fputs("</p>\n", out);
}

/* The class of column i per align ("r" for numbers), or "" past its end. */
static const char *align_class(const char *align, size_t i) {
  for (size_t k = 0; align && align[k]; k++)
    if (k == i) return align[k] == 'r' ? " class=\"r\"" : "";
  return "";
}

void cc_html_table_begin(FILE *out, const char *caption, size_t n_columns, const char *const *headers, const char *align) {
  fputs("<table>\n", out);
  if (caption) {
    fputs("<caption>", out);
    cc_html_escape(out, caption);
    fputs("</caption>\n", out);
  }
  fputs("<thead><tr>", out);
  for (size_t i = 0; i < n_columns; i++) {
    fprintf(out, "<th scope=\"col\"%s>", align_class(align, i));
    cc_html_escape(out, headers[i]);
    fputs("</th>", out);
  }
  fputs("</tr></thead>\n<tbody>\n", out);
}

void cc_html_table_row(FILE *out, size_t n_columns, const char *const *cells, const char *align) {
  fputs("<tr>", out);
  for (size_t i = 0; i < n_columns; i++) {
    fprintf(out, "<td%s>", align_class(align, i));
    cc_html_escape(out, cells[i]);
    fputs("</td>", out);
  }
  fputs("</tr>\n", out);
}

void cc_html_table_end(FILE *out) { fputs("</tbody>\n</table>\n", out); }

void cc_html_figure_begin(FILE *out) { fputs("<figure>\n", out); }

void cc_html_figure_end(FILE *out, const char *caption) {
  if (caption) {
    fputs("<figcaption>", out);
    cc_html_escape(out, caption);
    fputs("</figcaption>\n", out);
  }
  fputs("</figure>\n", out);
}
