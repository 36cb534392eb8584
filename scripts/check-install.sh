#!/usr/bin/env bash
# Installs the library into a scratch prefix and builds a program against
# it through pkg-config, static and shared: what a user linking
# libhypsecmodel does.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake -S . -B build-install -DCMAKE_BUILD_TYPE=Release -DHM_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build build-install -j "$(nproc)" >/dev/null
cmake --install build-install >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cat > "$prefix/user.c" <<'C'
#include <hypsec_model.h>
int main(void)
{
	hm_model *m = hm_model_new(NULL, NULL);
	hm_arg a = {"addr", 0x40001000};
	hm_result r;
	if (!m || hm_model_step(m, 0, HM_LEVEL_HIGH, "map_page_host", &a, 1, &r, NULL) != HM_OK)
		return 1;
	hm_model_free(m);
	return r.kind == HM_RESULT_OK ? 0 : 1;
}
C
cc "$prefix/user.c" $(pkg-config --cflags --libs hypsec_model) -o "$prefix/user-shared"
LD_LIBRARY_PATH="$prefix/lib" "$prefix/user-shared"
cc "$prefix/user.c" $(pkg-config --cflags hypsec_model) "$prefix/lib/libhypsecmodel.a" \
  $(pkg-config --libs glib-2.0 jansson) -o "$prefix/user-static"
"$prefix/user-static"
echo "install check: shared and static linking through pkg-config work"
