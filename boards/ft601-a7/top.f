// top.f - the sources of the ft601-a7 bitstream besides the generated core, relative to this
// folder, top last. Read by boards/ft601-a7/build (which hashes them for its gate).
-F system.f
top.v
