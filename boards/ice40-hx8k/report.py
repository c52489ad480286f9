#!/usr/bin/env python3
"""report.py - the figures of an iCE40 build (docs/ice40.md), read from the tools' own output:
nextpnr-ice40's --report JSON (post-route Fmax per clock, utilisation per cell type) and the
netlist yosys wrote (LUTs by the instance that holds them: the generated core, the controller,
the UART bridge, the rest of the shell).

    report.py NEXTPNR_REPORT.json NETLIST.json CLOCK_MHZ
"""
import json
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: report.py NEXTPNR_REPORT.json NETLIST.json CLOCK_MHZ")
    with open(sys.argv[1]) as f:
        rep = json.load(f)
    with open(sys.argv[2]) as f:
        net = json.load(f)
    clock = float(sys.argv[3])

    for clk, v in sorted(rep.get("fmax", {}).items()):
        fmax = v["achieved"]
        verdict = "meets" if fmax >= clock else "FAILS"
        print(f"fmax {clk}: {fmax:.2f} MHz post-route against the {clock:g} MHz board clock "
              f"({verdict}, {fmax / clock:.1f}x)")
    util = rep.get("utilization", {})
    for cell in ("ICESTORM_LC", "ICESTORM_RAM", "SB_IO", "SB_GB"):
        if cell in util:
            u, a = util[cell]["used"], util[cell]["available"]
            print(f"utilisation {cell}: {u} of {a} ({100.0 * u / a:.0f}%)")

    shares = {"core": 0, "controller": 0, "bridge": 0, "shell": 0}
    top = [m for m in net["modules"].values() if m.get("attributes", {}).get("top")]
    mod = top[0] if top else max(net["modules"].values(), key=lambda m: len(m.get("cells", {})))
    for name, cell in mod["cells"].items():
        if cell["type"] != "SB_LUT4":
            continue
        path = name.replace("\\", "")
        if "u_core." in path:
            shares["core"] += 1
        elif "u_ctrl." in path:
            shares["controller"] += 1
        elif "u_bridge." in path:
            shares["bridge"] += 1
        else:
            shares["shell"] += 1
    total = sum(shares.values())
    if total:
        print(f"LUTs: {total} in the netlist: " + ", ".join(
            f"{k} {v} ({100.0 * v / total:.0f}%)" for k, v in shares.items()))


if __name__ == "__main__":
    main()
