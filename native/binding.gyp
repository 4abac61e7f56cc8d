{
  "variables": { "criu_arch": "<!(uname -m)" },
  "targets": [
    {
      "target_name": "criu_ts",
      "sources": ["<!@(ls -1 src/*.cc ../arch/<(criu_arch)/*.cc)"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "../arch/common/include", "../arch/<(criu_arch)"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "_GNU_SOURCE"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-missing-field-initializers"]
    }
  ]
}
