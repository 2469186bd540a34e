#!/usr/bin/env python3
"""Build step: turns a .sql file into a C++ source defining pgrest::<name> as a string_view."""
import sys

src, out, name = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, "rb").read()
body = ",".join(str(b) for b in data)
with open(out, "w") as f:
    f.write("#include <string_view>\nnamespace pgrest {\n")
    f.write(f"static const char k{name}Bytes[] = {{{body}, 0}};\n")
    f.write(f"extern const std::string_view {name}{{k{name}Bytes, sizeof(k{name}Bytes) - 1}};\n}}\n")
