/* JSON of the logs (see log_json.c for the encoding). */
#ifndef HM_LOG_JSON_H
#define HM_LOG_JSON_H

#include <glib.h>
#include <jansson.h>

#include "state.h"

json_t *hm_json_encode_mlog(const hm_mlog *l);
json_t *hm_json_encode_slog(const hm_slog *l);
json_t *hm_json_encode_ulist(const hm_ulist *l);

/* Decode an array of events (newest first) into a list (autoreleased).
 * false with a message naming path[index].field on error. */
bool hm_json_decode_mlog(const json_t *j, const char *path, GString *err, hm_mlog **out);
bool hm_json_decode_slog(const json_t *j, const char *path, GString *err, hm_slog **out);
bool hm_json_decode_ulist(const json_t *j, const char *path, GString *err, hm_ulist **out);

#endif
