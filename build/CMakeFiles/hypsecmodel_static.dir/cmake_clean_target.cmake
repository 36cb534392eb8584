file(REMOVE_RECURSE
  "libhypsecmodel.a"
)
