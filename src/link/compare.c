/* compare.c: agreement levels of a pair of person records (see recordlink.h). */
#include <stdlib.h>
#include <string.h>

#include "carecast/recordlink.h"

#define EDIT_STRING_MAX 64 /* longest string cc_records_edit_distance handles */

const int cc_records_levels[CC_RECORDS_FIELDS] = {2, 4, 2, 4};

const char *cc_records_field_name(int field) {
  static const char *const names[CC_RECORDS_FIELDS] = {"nhs_number", "date_of_birth", "sex", "postcode"};
  return field >= 0 && field < CC_RECORDS_FIELDS ? names[field] : "unknown";
}

const char *cc_records_level_name(int field, uint8_t level) {
  static const char *const birth[] = {"disagree", "year_within_1", "partial", "exact"};
  static const char *const postcode[] = {"disagree", "district_one_edit", "district", "exact"};
  static const char *const binary[] = {"disagree", "agree"};
  if (level == CC_FS_MISSING) return "missing";
  if (field < 0 || field >= CC_RECORDS_FIELDS || level >= cc_records_levels[field]) return "unknown";
  if (field == CC_RECORDS_BIRTH) return birth[level];
  if (field == CC_RECORDS_POSTCODE) return postcode[level];
  return binary[level];
}

int cc_records_edit_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n >= EDIT_STRING_MAX || m >= EDIT_STRING_MAX) return (int)(n > m ? n : m);
  int d[EDIT_STRING_MAX][EDIT_STRING_MAX];
  for (size_t i = 0; i <= n; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= m; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      int cost = a[i - 1] != b[j - 1];
      int best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[n][m];
}

static uint8_t compare_birth(const cc_person_record *a, const cc_person_record *b) {
  if (!a->birth_year || !b->birth_year) return CC_FS_MISSING;
  int year_close = abs(a->birth_year - b->birth_year) <= 1;
  if (!a->birth_month || !b->birth_month) return year_close ? 1 : 0; /* only years to compare */
  int same_year = a->birth_year == b->birth_year, same_month = a->birth_month == b->birth_month;
  int same_day = a->birth_day == b->birth_day;
  if (same_year && same_month && same_day) return 3;
  int swapped = same_year && a->birth_month == b->birth_day && a->birth_day == b->birth_month;
  if (swapped || (year_close && same_year + same_month + same_day == 2)) return 2;
  return year_close ? 1 : 0;
}

static uint8_t compare_postcode(const cc_person_record *a, const cc_person_record *b) {
  if (!a->district[0] || !b->district[0]) return CC_FS_MISSING;
  if (strcmp(a->district, b->district) != 0) return cc_records_edit_distance(a->district, b->district) == 1;
  int both_full = a->has_postcode && b->has_postcode;
  return both_full && memcmp(a->postcode_digest, b->postcode_digest, sizeof a->postcode_digest) == 0 ? 3 : 2;
}

void cc_records_compare(const cc_person_record *a, const cc_person_record *b, uint8_t levels[CC_RECORDS_FIELDS]) {
  levels[CC_RECORDS_NHS] = a->has_nhs && b->has_nhs ? memcmp(a->nhs_digest, b->nhs_digest, sizeof a->nhs_digest) == 0
                                                 : CC_FS_MISSING;
  levels[CC_RECORDS_BIRTH] = compare_birth(a, b);
  levels[CC_RECORDS_SEX] = a->sex && b->sex ? a->sex == b->sex : CC_FS_MISSING;
  levels[CC_RECORDS_POSTCODE] = compare_postcode(a, b);
}
