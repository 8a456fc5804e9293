"""Interleave scenarios from a description: a Topology, regions over its
devices in interleave-position order, a pattern written through device
DAX at an unaligned offset, and a host check that every word is at the
position and DPA the spec's arithmetic gives and every other byte of the
backend files is zero.

    from _interleave import make
    globals().update(make(T, [dict(root=0, ways=8, gran=512, serials=[...])], "..."))
"""

from _cxl import GUEST_LIB, check_interleave, cxims_maps, layout


def _cedt(ctx, hexdump):
    ctx.cedt = hexdump
    return f"{len(hexdump) // 2} bytes"


def _base(ctx, key, base):
    if not hasattr(ctx, "bases"):
        ctx.bases = {}
    ctx.bases[key] = int(base)
    return base

# device DAX only maps whole device pages; the module list leaves out kmem
MODULES = ["cxl_acpi", "cxl_pci", "cxl_port", "cxl_mem", "device_dax", "dax_cxl"]


def make(topo, regions, description, timeout=400, extra_guest=""):
    """@topo: a _cxl.Topology with its windows. @regions: dicts with root
    (window index), ways, gran, serials (in position order); optional
    offset, length (default: 3 stripes and a quarter, at 5 stripes + 264
    bytes), seed; for a window with XOR arithmetic xor=True, hb_ways and
    window_gran (the window's ways and granularity)."""
    for i, r in enumerate(regions):
        stripe = r["ways"] * r["gran"]
        r.setdefault("offset", 5 * stripe + 264)
        r.setdefault("length", 3 * stripe + max(8, r["gran"] // 4))
        r.setdefault("seed", 21 + i)

    def topology(ctx):
        return topo.args(ctx)

    def check(ctx):
        for i, r in enumerate(regions):
            files = getattr(ctx, "layouts", {}).get(f"r{i}")
            if not ctx.check(f"region{i}-layout-reported", files is not None):
                continue
            ctx.check(f"region{i}-positions-as-requested", files == r["serials"],
                      f"Linux put {files}, we asked for {r['serials']}")
            xor = None
            if r.get("xor"):
                # the maps the guest's firmware published, for the window's
                # host bridge granularity
                cedt = bytes.fromhex(getattr(ctx, "cedt", ""))
                maps = cxims_maps(cedt, r["window_gran"])
                nr = (r["hb_ways"].bit_length() - 1)
                if not ctx.check(f"region{i}-cxims-published", maps and len(maps) >= nr,
                                 f"CXIMS maps {maps}"):
                    continue
                xor = (ctx.bases[f"r{i}"], maps[:nr])
            ok, detail = check_interleave(ctx, [f"mem{sn}" for sn in files], r["offset"],
                                          r["length"], r["seed"], r["ways"], r["gran"], xor=xor)
            ctx.check(f"region{i}-data-where-the-spec-puts-it", ok, detail)

    ndev = len(topo.devices)
    script = GUEST_LIB + f'''
step cedt-to-host host cedt $(od -An -v -tx1 /sys/firmware/acpi/tables/CEDT | tr -d ' \\n')
step memdevs-probed wait_memdevs {ndev}
step_eq memdevs {ndev} sh -c 'cxl list -M | grep -c "\\"memdev\\""'
step_eq memdevs-enabled {ndev} sh -c 'ls -d /sys/bus/cxl/drivers/cxl_mem/mem* | wc -l'
'''
    for i, r in enumerate(regions):
        serials = " ".join(map(str, r["serials"]))
        script += f'''
order=""
for sn in {serials}; do order="$order $(memdev_of $sn)"; done
note "region {i}: serials {serials} are memdevs$order"
step region{i} cxl create-region -t ram -d decoder0.{r["root"]} -w {r["ways"]} -g {r["gran"]} -m $order || exit 1
region=$(cxl list -R -d decoder0.{r["root"]} 2>/dev/null | sed -n 's/.*"region":"\\(region[0-9]*\\)".*/\\1/p' | head -1)
step_match region{i}-committed '"decode_state":"commit"' cxl list -R -r "$region"
step_match region{i}-ways '"interleave_ways":{r["ways"]},' cxl list -R -r "$region"
step region{i}-layout report_layout "$region" {r["ways"]} r{i}
step region{i}-base host base r{i} $(region_base "$region")
step region{i}-devdax devdax "$region"
step region{i}-write daxpoke write $dax {r["offset"]} {r["length"]} {r["seed"]}
step region{i}-read-back daxpoke check $dax {r["offset"]} {r["length"]} {r["seed"]}
'''
    script += extra_guest + '''
step_eq kernel-log-clean "" kernel_cxl_trouble
'''
    return {
        "DESCRIPTION": description,
        "MACHINE": "q35,cxl=on",
        "MODULES": MODULES,
        "TOOLS": ["daxpoke"],
        "TIMEOUT": timeout,
        "topology": topology,
        "check": check,
        "HOST": {"layout": layout, "cedt": _cedt, "base": _base},
        "GUEST": script,
    }
