//! Drawing the map as SVG. Every layer is a named group (`sea`,
//! `countries`, `graticule`, `rivers`, `country-labels`, `uncertainty`,
//! `bases`, `attacks`, `strikes`, `labels`, `title`, `legend`, `scale-bar`,
//! `inset`, `credits`), text stays `<text>`, and the only reference is to
//! the document's own clip path.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::basemap::{Basemap, Shape};
use super::labels::{place, LabelRequest, TextMeasure, FONT_FAMILY};
use super::projection::{Frame, Rect};
use super::{display_date, Drawing, MapData, MapOptions, MapPoint, POINT_LAYERS};
use crate::distance::inverse;
use crate::model::LatLon;
use crate::output::label::{escape_attribute, escape_markup};
use crate::output::style::{LayerStyle, ATTACKS, BASES, STRIKES};
use crate::shapes::geodesic_circle;

const SEA: &str = "#dde8f0";
const LAND: &str = "#f5f2eb";
const BORDER: &str = "#b3aa99";
const RIVER: &str = "#7fb0d8";
const GRATICULE: &str = "#c9d6df";
const INK: &str = "#222222";
const MUTED: &str = "#6b6358";
const LABEL_SIZE: f64 = 13.0;
const MARGIN: f64 = 16.0;

/// The narrowest layout the title, legend, scale bar and inset fit in, px.
pub const MIN_LAYOUT_WIDTH: u32 = 800;
/// The widest layout; wider pages are this one scaled up.
pub const MAX_LAYOUT_WIDTH: u32 = 1600;

/// Splits text into lines no wider than `max` px at `size`, at spaces.
fn wrap(text: &str, size: f64, max: f64, measure: &TextMeasure) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && measure.width(&candidate, size) > max {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    lines.push(line);
    lines
}

/// A name set apart from the text around it when it is written right to
/// left (Arabic), so "حديثة, 6 Jan 2024" keeps its order (Unicode's first
/// strong isolate).
fn isolate(name: &str) -> String {
    let rtl = name
        .chars()
        .any(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF));
    if rtl {
        format!("\u{2068}{name}\u{2069}")
    } else {
        name.to_string()
    }
}

/// The symbol radius of each point layer, px.
fn radius(style: &LayerStyle) -> f64 {
    if *style == BASES {
        5.0
    } else {
        6.5
    }
}

fn fmt(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".to_string()
    } else {
        format!("{r}")
    }
}

/// SVG path data for projected parts, skipping those wholly off the page.
fn path_data(frame: &Frame, parts: &[Vec<[f64; 2]>], closed: bool, view: Rect) -> String {
    let mut d = String::new();
    for part in parts {
        let pts: Vec<(f64, f64)> = part
            .iter()
            .map(|&[lon, lat]| frame.to_px(lon, lat))
            .collect();
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in &pts {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let bbox = Rect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        };
        if pts.len() < 2 || !bbox.intersects(&view) {
            continue;
        }
        for (i, (x, y)) in pts.iter().enumerate() {
            let _ = write!(
                d,
                "{}{},{}",
                if i == 0 { "M" } else { "L" },
                fmt(*x),
                fmt(*y)
            );
        }
        if closed {
            d.push('Z');
        }
    }
    d
}

/// The area of a ring in degrees², for picking a country's main part.
fn ring_area(ring: &[[f64; 2]]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum::<f64>()
        .abs()
        / 2.0
}

/// The centroid of a country's largest ring, where its name goes.
fn label_point(shape: &Shape) -> Option<[f64; 2]> {
    let ring = shape
        .parts
        .iter()
        .max_by(|a, b| ring_area(a).total_cmp(&ring_area(b)))?;
    let (mut cx, mut cy, mut a) = (0.0, 0.0, 0.0);
    for w in ring.windows(2) {
        let cross = w[0][0] * w[1][1] - w[1][0] * w[0][1];
        a += cross;
        cx += (w[0][0] + w[1][0]) * cross;
        cy += (w[0][1] + w[1][1]) * cross;
    }
    (a.abs() > 1e-12).then(|| [cx / (3.0 * a), cy / (3.0 * a)])
}

/// The extent to show: the events and the bases that matter to them, or
/// every base when there is no event, padded.
fn data_extent(points: &[&MapPoint]) -> [f64; 4] {
    let events: Vec<&&MapPoint> = points.iter().filter(|p| p.date.is_some()).collect();
    let relevant = |p: &MapPoint| {
        p.date.is_some()
            || events.is_empty()
            || events.iter().any(|e| {
                e.nearest_base.as_deref() == Some(p.id.as_str())
                    || (e.layer == &ATTACKS
                        && (e.lon - p.lon).abs() < 0.05
                        && (e.lat - p.lat).abs() < 0.05)
            })
    };
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for p in points.iter().filter(|p| relevant(p)) {
        b = [
            b[0].min(p.lon),
            b[1].min(p.lat),
            b[2].max(p.lon),
            b[3].max(p.lat),
        ];
    }
    if b[0] > b[2] {
        // Nothing to show: Iraq and its neighbours.
        return [38.0, 29.0, 49.0, 38.0];
    }
    let (cx, cy) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
    let (w, h) = ((b[2] - b[0]).max(2.0) * 1.3, (b[3] - b[1]).max(1.5) * 1.35);
    [cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0]
}

/// The frame for an extent at a page width: the height follows the
/// extent's shape, within sensible proportions.
fn layout(bbox: [f64; 4], width: f64) -> (Frame, f64) {
    let probe = Frame::fit(
        bbox,
        Rect {
            x: 0.0,
            y: 0.0,
            w: width,
            h: width * 10.0,
        },
    );
    let (_, top) = probe.to_px((bbox[0] + bbox[2]) / 2.0, bbox[3]);
    let (_, bottom) = probe.to_px(bbox[0], bbox[1]);
    let map_h = ((bottom - top) * 1.02)
        .clamp(width * 0.55, width * 1.1)
        .round();
    let area = Rect {
        x: 0.0,
        y: 0.0,
        w: width,
        h: map_h,
    };
    (Frame::fit(bbox, area), map_h)
}

/// Governorate outlines, dashed, with their names.
fn governorates(s: &mut String, frame: &Frame, basemap: &Basemap, area: Rect) {
    let _ = writeln!(
        s,
        "<g id=\"governorates\" clip-path=\"url(#map-clip)\" fill=\"none\" stroke=\"{BORDER}\" stroke-width=\"0.8\" stroke-dasharray=\"5 3\">"
    );
    for g in &basemap.governorates {
        let d = path_data(frame, &g.parts, true, area);
        if !d.is_empty() {
            let _ = writeln!(
                s,
                "<path data-name=\"{}\" d=\"{d}\"/>",
                escape_attribute(&g.name)
            );
        }
    }
    s.push_str("</g>\n");
}

/// A round length for the scale bar: 1, 2 or 5 × 10ⁿ km, at most `max_km`.
pub fn round_length_km(max_km: f64) -> f64 {
    let mut best = 1.0;
    let mut p = 1.0;
    while p <= max_km {
        for m in [1.0, 2.0, 5.0] {
            if m * p <= max_km {
                best = m * p;
            }
        }
        p *= 10.0;
    }
    best
}

/// Draws the map.
pub fn draw(data: &MapData, basemap: &Basemap, options: &MapOptions) -> Drawing {
    let measure = TextMeasure::default();
    // The drawing is laid out at a width between the smallest that holds
    // the furniture and the largest at which 13 px labels still read, then
    // scaled to the width asked for.
    let width = f64::from(options.width.clamp(MIN_LAYOUT_WIDTH, MAX_LAYOUT_WIDTH));
    let scale = f64::from(options.width) / width;
    let (country_only, mappable): (Vec<&MapPoint>, Vec<&MapPoint>) =
        data.points.iter().partition(|p| p.country_only());
    let mut bbox = options.bbox.unwrap_or_else(|| data_extent(&mappable));
    // Zoom out until no symbol hides under the title, legend, scale bar or
    // inset (a fixed --bbox is kept as given).
    let (frame, map_h, furniture, reserved) = loop {
        let (frame, map_h) = layout(bbox, width);
        let mut furniture = String::new();
        let mut reserved: Vec<Rect> = Vec::new();
        let shown = mappable
            .iter()
            .filter(|p| p.date.is_some())
            .filter(|p| {
                let (x, y) = frame.to_px(p.lon, p.lat);
                (0.0..=width).contains(&x) && (0.0..=map_h).contains(&y)
            })
            .count();
        title_block(
            &mut furniture,
            &mut reserved,
            data,
            shown,
            options,
            width,
            &measure,
        );
        legend(&mut furniture, &mut reserved, width, &measure);
        scale_bar(&mut furniture, &mut reserved, &frame, map_h);
        inset(&mut furniture, &mut reserved, &frame, basemap, width, map_h);
        let covered = mappable.iter().any(|p| {
            let (x, y) = frame.to_px(p.lon, p.lat);
            let r = radius(p.layer) + 2.0;
            let me = Rect {
                x: x - r,
                y: y - r,
                w: 2.0 * r,
                h: 2.0 * r,
            };
            frame.area.contains(&me) && reserved.iter().any(|f| f.intersects(&me))
        });
        if !covered || options.bbox.is_some() || bbox[2] - bbox[0] > 40.0 {
            break (frame, map_h, furniture, reserved);
        }
        let (dx, dy) = ((bbox[2] - bbox[0]) * 0.08, (bbox[3] - bbox[1]) * 0.08);
        bbox = [bbox[0] - dx, bbox[1] - dy, bbox[2] + dx, bbox[3] + dy];
    };
    let area = frame.area;

    // Footer lines: credit, what is not on the map, basemap and projection.
    let mut footer: Vec<String> = Vec::new();
    footer.push(options.credit.clone().unwrap_or_else(|| credit(data)));
    let not_shown: Vec<String> = country_only
        .iter()
        .map(|p| {
            format!(
                "{} {} ({})",
                display_date(p.date.as_deref().unwrap_or("")),
                p.layer.title.trim_end_matches('s').to_lowercase(),
                p.place_name
            )
        })
        .collect();
    if !not_shown.is_empty() {
        footer.push(format!(
            "Not mapped, location known only to the country: {}.",
            not_shown.join("; ")
        ));
    }
    footer.push(format!(
        "Basemap: Natural Earth. Lambert conformal conic, central meridian {:.1}°E.",
        (bbox[0] + bbox[2]) / 2.0
    ));
    let footer: Vec<String> = footer
        .iter()
        .flat_map(|line| wrap(line, 12.0, width - 2.0 * MARGIN, &measure))
        .collect();
    let footer_h = 14.0 + 18.0 * footer.len() as f64;
    let height = (map_h + footer_h).round();

    let mut s = String::with_capacity(256 * 1024);
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}\">",
        fmt((width * scale).round()),
        fmt((height * scale).round()),
        w = fmt(width),
        h = fmt(height)
    );
    let _ = writeln!(
        s,
        "<title>{}</title>\n<defs><clipPath id=\"map-clip\"><rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"/></clipPath></defs>",
        escape_markup(&options.title),
        fmt(width),
        fmt(map_h)
    );
    let _ = writeln!(
        s,
        "<g id=\"sea\"><rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{SEA}\"/></g>",
        fmt(width),
        fmt(map_h)
    );

    // Basemap.
    s.push_str("<g id=\"countries\" clip-path=\"url(#map-clip)\">\n");
    for c in &basemap.countries {
        let d = path_data(&frame, &c.parts, true, area);
        if !d.is_empty() {
            let _ = writeln!(
                s,
                "<path data-name=\"{}\" d=\"{d}\" fill=\"{LAND}\" stroke=\"{BORDER}\" stroke-width=\"0.8\" fill-rule=\"evenodd\"/>",
                escape_attribute(&c.name)
            );
        }
    }
    s.push_str("</g>\n");
    graticule(&mut s, &frame, area);
    s.push_str("<g id=\"rivers\" clip-path=\"url(#map-clip)\" fill=\"none\" stroke=\"");
    s.push_str(RIVER);
    s.push_str("\" stroke-width=\"1.3\" stroke-linejoin=\"round\">\n");
    for r in &basemap.rivers {
        let d = path_data(&frame, &r.parts, false, area);
        if !d.is_empty() {
            let _ = writeln!(
                s,
                "<path data-name=\"{}\" d=\"{d}\"/>",
                escape_attribute(&r.name)
            );
        }
    }
    s.push_str("</g>\n");

    governorates(&mut s, &frame, basemap, area);

    // Points.
    let mut symbols: Vec<(String, f64, f64)> = Vec::new();
    let mut obstacles = reserved.clone();
    let mut outside = Vec::new();
    let mut uncertainty = String::from("<g id=\"uncertainty\" clip-path=\"url(#map-clip)\">\n");
    let mut groups: BTreeMap<&str, String> = BTreeMap::new();
    let mut label_groups: Vec<(usize, i64, i64, LabelRequest, Vec<String>)> = Vec::new();
    let mut covered = Vec::new();
    let mut circles_drawn: Vec<(i64, i64, u32)> = Vec::new();
    for style in POINT_LAYERS {
        let g = groups.entry(style.layer).or_default();
        // Approximate events first, so a precise one at the same spot is
        // drawn over the hollow symbol rather than hidden by it.
        let mut layer: Vec<&&MapPoint> = mappable.iter().filter(|p| p.layer == style).collect();
        layer.sort_by_key(|p| !p.approximate());
        for p in layer {
            let (x, y) = frame.to_px(p.lon, p.lat);
            if !(0.0..=width).contains(&x) || !(0.0..=map_h).contains(&y) {
                outside.push(p.id.clone());
                continue;
            }
            let r = radius(style);
            let me = Rect {
                x: x - r,
                y: y - r,
                w: 2.0 * r,
                h: 2.0 * r,
            };
            if reserved.iter().any(|f| f.intersects(&me)) {
                covered.push(p.id.clone());
            }
            symbol(g, p, style, x, y, r);
            // One circle per spot and radius: events reported at the same
            // place to the same precision share it.
            let circle = (x.round() as i64, y.round() as i64, p.uncertainty_m);
            if p.approximate() && !circles_drawn.contains(&circle) {
                circles_drawn.push(circle);
                uncertainty_circle(&mut uncertainty, &frame, p, style);
            }
            symbols.push((p.id.clone(), x, y));
            obstacles.push(Rect {
                x: x - r,
                y: y - r,
                w: 2.0 * r,
                h: 2.0 * r,
            });
            // One label per layer and spot: events at one place share it.
            let priority = match style.layer {
                "strikes" => 0,
                "attacks" => 1,
                _ => 2,
            };
            let key = (priority, x.round() as i64, y.round() as i64);
            match label_groups
                .iter_mut()
                .find(|(pr, kx, ky, ..)| (*pr, *kx, *ky) == key)
            {
                Some((.., dates)) => dates.extend(p.date.clone()),
                None => label_groups.push((
                    key.0,
                    key.1,
                    key.2,
                    LabelRequest {
                        text: isolate(&p.place_name),
                        x,
                        y,
                        r,
                    },
                    p.date.iter().cloned().collect(),
                )),
            }
        }
    }
    uncertainty.push_str("</g>\n");
    s.push_str(&uncertainty);
    for style in POINT_LAYERS {
        let _ = write!(
            s,
            "<g id=\"{}\">\n{}</g>\n",
            style.layer,
            groups.get(style.layer).map_or("", String::as_str)
        );
    }

    // Labels, strikes first.
    label_groups.sort_by_key(|(pr, ..)| *pr);
    let requests: Vec<LabelRequest> = label_groups
        .into_iter()
        .map(|(_, _, _, mut req, mut dates)| {
            dates.sort();
            dates.dedup();
            if !dates.is_empty() {
                let shown: Vec<String> = dates.iter().map(|d| display_date(d)).collect();
                req.text = format!("{}, {}", req.text, shown.join("; "));
            }
            req
        })
        .collect();
    let bounds = area.grow(-4.0);
    let (placed, unplaced) = place(&requests, LABEL_SIZE, bounds, &obstacles, &measure);
    s.push_str("<g id=\"labels\" font-size=\"13\" fill=\"");
    s.push_str(INK);
    s.push_str("\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n");
    for l in &placed {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            fmt(l.x),
            fmt(l.y),
            escape_markup(&l.text)
        );
    }
    s.push_str("</g>\n");
    country_labels(&mut s, &frame, basemap, area, &obstacles, &placed, &measure);

    s.push_str(&furniture);
    // Credits, under the map.
    s.push_str("<g id=\"credits\" font-size=\"12\" fill=\"");
    s.push_str(MUTED);
    s.push_str("\">\n");
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        fmt(map_h),
        fmt(width),
        fmt(height - map_h)
    );
    for (i, line) in footer.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            fmt(MARGIN),
            fmt(map_h + 20.0 + 18.0 * i as f64),
            escape_markup(line)
        );
    }
    s.push_str("</g>\n</svg>\n");

    Drawing {
        svg: s,
        width: width as u32,
        height: height as u32,
        symbols,
        labels: placed,
        unplaced,
        country_only: country_only.iter().map(|p| p.id.clone()).collect(),
        outside,
        covered,
    }
}

/// The default credit line, from the publishers of the cited reports:
/// "Source: reports by AFP, ABC News and 2 uncredited reports; …".
pub fn credit(data: &MapData) -> String {
    let mut who = data.publishers.clone();
    match data.uncredited_reports {
        0 => {}
        1 => who.push("one uncredited report".to_string()),
        n => who.push(format!("{n} uncredited reports")),
    }
    match who.as_slice() {
        [] => "Source: geoevents".to_string(),
        [only] if data.publishers.is_empty() => format!("Source: {only}; geocoded with geoevents."),
        [first @ .., last] => format!(
            "Source: reports by {}{}{last}; geocoded with geoevents.",
            first.join(", "),
            if first.is_empty() { "" } else { " and " }
        ),
    }
}

fn symbol(g: &mut String, p: &MapPoint, style: &LayerStyle, x: f64, y: f64, r: f64) {
    let (fill, stroke) = if p.approximate() {
        ("#ffffff", style.colour)
    } else {
        (style.colour, "#ffffff")
    };
    // Legend samples have no id: only features carry `data-id`.
    let id = if p.id.is_empty() {
        String::new()
    } else {
        format!("data-id=\"{}\" ", escape_attribute(&p.id))
    };
    let common = format!("{id}fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"");
    if *style == STRIKES {
        let _ = writeln!(
            g,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {common}/>",
            fmt(x),
            fmt(y),
            fmt(r)
        );
    } else if *style == ATTACKS {
        let _ = writeln!(
            g,
            "<path d=\"M{},{}L{},{}L{},{}Z\" {common}/>",
            fmt(x),
            fmt(y - r),
            fmt(x + r * 0.87),
            fmt(y + r * 0.5),
            fmt(x - r * 0.87),
            fmt(y + r * 0.5)
        );
    } else {
        let _ = writeln!(
            g,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {common}/>",
            fmt(x - r),
            fmt(y - r),
            fmt(2.0 * r),
            fmt(2.0 * r)
        );
    }
}

fn uncertainty_circle(s: &mut String, frame: &Frame, p: &MapPoint, style: &LayerStyle) {
    let Ok(ring) = geodesic_circle(
        LatLon {
            lat: p.lat,
            lon: p.lon,
        },
        f64::from(p.uncertainty_m),
    ) else {
        return;
    };
    let part: Vec<[f64; 2]> = ring.iter().map(|q| [q.lon, q.lat]).collect();
    let d = path_data(frame, &[part], true, frame.area.grow(2000.0));
    let _ = writeln!(
        s,
        "<path data-id=\"{}\" d=\"{d}\" fill=\"{c}\" fill-opacity=\"0.06\" stroke=\"{c}\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>",
        escape_attribute(&p.id),
        c = style.colour
    );
}

fn graticule(s: &mut String, frame: &Frame, area: Rect) {
    let [x0, y0, x1, y1] = frame.extent();
    let span = (x1 - x0).max(y1 - y0);
    let step = [1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .find(|s| span / s <= 12.0)
        .unwrap_or(30.0);
    let mut parts: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut lon = (x0 / step).floor() * step;
    while lon <= x1 {
        parts.push(
            (0..=40)
                .map(|i| [lon, y0 + (y1 - y0) * f64::from(i) / 40.0])
                .collect(),
        );
        lon += step;
    }
    let mut lat = (y0 / step).floor() * step;
    while lat <= y1 {
        parts.push(
            (0..=60)
                .map(|i| [x0 + (x1 - x0) * f64::from(i) / 60.0, lat])
                .collect(),
        );
        lat += step;
    }
    let _ = writeln!(
        s,
        "<g id=\"graticule\" clip-path=\"url(#map-clip)\" fill=\"none\" stroke=\"{GRATICULE}\" stroke-width=\"0.6\"><path d=\"{}\"/></g>",
        path_data(frame, &parts, false, area)
    );
}

fn title_block(
    s: &mut String,
    reserved: &mut Vec<Rect>,
    data: &MapData,
    shown: usize,
    options: &MapOptions,
    width: f64,
    measure: &TextMeasure,
) {
    let mut dates: Vec<&str> = data
        .points
        .iter()
        .filter_map(|p| p.date.as_deref())
        .collect();
    dates.sort_unstable();
    let events = dates.len();
    let count = match (shown, events) {
        (1, 1) => "1 event".to_string(),
        (s, e) if s == e => format!("{e} events"),
        (s, e) => format!("{s} of {e} events on the map"),
    };
    let subtitle = match (dates.first(), dates.last()) {
        (Some(a), Some(b)) if a != b => {
            format!("{} – {} · {count}", display_date(a), display_date(b))
        }
        (Some(a), _) => format!("{} · {count}", display_date(a)),
        _ => "no events".to_string(),
    };
    let lines = wrap(&options.title, 22.0, width * 0.5, measure);
    let w = lines
        .iter()
        .map(|l| measure.width(l, 22.0))
        .fold(measure.width(&subtitle, 14.0), f64::max)
        + 24.0;
    let rect = Rect {
        x: MARGIN,
        y: MARGIN,
        w,
        h: 34.0 + 28.0 * lines.len() as f64,
    };
    reserved.push(rect);
    let _ = write!(
        s,
        "<g id=\"title\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.92\"/>",
        fmt(rect.x),
        fmt(rect.y),
        fmt(rect.w),
        fmt(rect.h)
    );
    for (i, line) in lines.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"22\" fill=\"#111111\">{}</text>",
            fmt(rect.x + 12.0),
            fmt(rect.y + 28.0 + 28.0 * i as f64),
            escape_markup(line)
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"14\" fill=\"{MUTED}\">{}</text></g>",
        fmt(rect.x + 12.0),
        fmt(rect.y + 22.0 + 28.0 * lines.len() as f64),
        escape_markup(&subtitle)
    );
}

fn legend(s: &mut String, reserved: &mut Vec<Rect>, width: f64, measure: &TextMeasure) {
    let entries = [
        (&STRIKES, "Strike", false),
        (&ATTACKS, "Attack", false),
        (&BASES, "Coalition base", false),
        (&STRIKES, "Approximate location (dashed: how far off)", true),
    ];
    let text_w = entries
        .iter()
        .map(|(_, t, _)| measure.width(t, 12.0))
        .fold(0.0, f64::max);
    let w = text_w + 44.0;
    let rect = Rect {
        x: width - MARGIN - w,
        y: MARGIN,
        w,
        h: 18.0 * entries.len() as f64 + 14.0,
    };
    reserved.push(rect);
    let _ = write!(
        s,
        "<g id=\"legend\" font-size=\"12\" fill=\"{INK}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.92\"/>",
        fmt(rect.x),
        fmt(rect.y),
        fmt(rect.w),
        fmt(rect.h)
    );
    for (i, (style, text, hollow)) in entries.iter().enumerate() {
        let y = rect.y + 16.0 + 18.0 * i as f64;
        let p = MapPoint {
            id: String::new(),
            layer: style,
            place_name: String::new(),
            date: None,
            lon: 0.0,
            lat: 0.0,
            precision: if *hollow {
                Some(crate::model::Precision::Region)
            } else {
                None
            },
            uncertainty_m: 0,
            nearest_base: None,
        };
        let mut g = String::new();
        symbol(&mut g, &p, style, rect.x + 16.0, y, radius(style) * 0.9);
        s.push_str(g.trim_end());
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            fmt(rect.x + 30.0),
            fmt(y + 4.0),
            escape_markup(text)
        );
    }
    s.push_str("</g>\n");
}

fn scale_bar(s: &mut String, reserved: &mut Vec<Rect>, frame: &Frame, map_h: f64) {
    let (cx, cy) = (
        frame.area.x + frame.area.w / 2.0,
        frame.area.y + frame.area.h / 2.0,
    );
    let (lon_a, lat_a) = frame.from_px(cx, cy);
    let (lon_b, lat_b) = frame.from_px(cx + 100.0, cy);
    let km_per_px = inverse(
        LatLon {
            lat: lat_a,
            lon: lon_a,
        },
        LatLon {
            lat: lat_b,
            lon: lon_b,
        },
    )
    .distance_km()
        / 100.0;
    let km = round_length_km(frame.area.w * 0.2 * km_per_px);
    let px = km / km_per_px;
    let (x, y) = (MARGIN + 8.0, map_h - MARGIN - 12.0);
    reserved.push(Rect {
        x: MARGIN,
        y: y - 22.0,
        w: px + 70.0,
        h: 34.0,
    });
    let _ = writeln!(
        s,
        "<g id=\"scale-bar\" data-km=\"{km}\" font-size=\"12\" fill=\"{INK}\">\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.92\"/>\
         <path d=\"M{},{}V{}H{}V{}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"2\"/>\
         <text x=\"{}\" y=\"{}\">{km} km</text></g>",
        fmt(MARGIN),
        fmt(y - 22.0),
        fmt(px + 70.0),
        fmt(34.0),
        fmt(x),
        fmt(y - 5.0),
        fmt(y),
        fmt(x + px),
        fmt(y - 5.0),
        fmt(x + px + 8.0),
        fmt(y + 1.0),
    );
}

fn inset(
    s: &mut String,
    reserved: &mut Vec<Rect>,
    frame: &Frame,
    basemap: &Basemap,
    width: f64,
    map_h: f64,
) {
    let (w, h) = (210.0, 160.0);
    let rect = Rect {
        x: width - MARGIN - w,
        y: map_h - MARGIN - h,
        w,
        h,
    };
    reserved.push(rect);
    // The whole basemap region, which the main map's extent sits in.
    let region = basemap
        .countries
        .iter()
        .flat_map(|c| c.parts.iter().flatten())
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, &[x, y]| {
            [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
        });
    let region = if region[0] > region[2] {
        [30.0, 25.0, 52.0, 42.0]
    } else {
        region
    };
    let inner = rect.grow(-4.0);
    let small = Frame::fit(region, inner);
    let _ = write!(
        s,
        "<g id=\"inset\"><defs><clipPath id=\"inset-clip\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath></defs>\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{SEA}\" stroke=\"{MUTED}\" stroke-width=\"1\"/><g clip-path=\"url(#inset-clip)\">",
        fmt(inner.x),
        fmt(inner.y),
        fmt(inner.w),
        fmt(inner.h),
        fmt(rect.x),
        fmt(rect.y),
        fmt(rect.w),
        fmt(rect.h)
    );
    for c in &basemap.countries {
        let d = path_data(&small, &c.parts, true, inner);
        if !d.is_empty() {
            let _ = write!(
                s,
                "<path d=\"{d}\" fill=\"{LAND}\" stroke=\"{BORDER}\" stroke-width=\"0.4\" fill-rule=\"evenodd\"/>"
            );
        }
    }
    // The main map's outline, traced through both projections.
    let a = frame.area;
    let mut outline: Vec<[f64; 2]> = Vec::new();
    for (px0, py0, px1, py1) in [
        (a.x, a.y, a.x + a.w, a.y),
        (a.x + a.w, a.y, a.x + a.w, a.y + a.h),
        (a.x + a.w, a.y + a.h, a.x, a.y + a.h),
        (a.x, a.y + a.h, a.x, a.y),
    ] {
        for i in 0..16 {
            let t = f64::from(i) / 16.0;
            let (lon, lat) = frame.from_px(px0 + t * (px1 - px0), py0 + t * (py1 - py0));
            outline.push([lon, lat]);
        }
    }
    outline.push(outline[0]);
    let _ = writeln!(
        s,
        "<path id=\"inset-extent\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/></g></g>",
        path_data(&small, &[outline], true, inner.grow(1000.0)),
        STRIKES.colour
    );
}

fn country_labels(
    s: &mut String,
    frame: &Frame,
    basemap: &Basemap,
    area: Rect,
    obstacles: &[Rect],
    placed: &[super::labels::PlacedLabel],
    measure: &TextMeasure,
) {
    let _ = writeln!(
        s,
        "<g id=\"country-labels\" font-size=\"12\" letter-spacing=\"2\" fill=\"{MUTED}\">"
    );
    let mut taken: Vec<Rect> = obstacles.to_vec();
    taken.extend(placed.iter().map(|p| p.bbox));
    for c in &basemap.countries {
        let Some([lon, lat]) = label_point(c) else {
            continue;
        };
        let (x, y) = frame.to_px(lon, lat);
        let text = c.name.to_uppercase();
        let w = measure.width(&text, 12.0) + 2.0 * text.chars().count() as f64;
        let rect = Rect {
            x: x - w / 2.0,
            y: y - 10.0,
            w,
            h: 14.0,
        };
        if !area.grow(-8.0).contains(&rect) || taken.iter().any(|t| t.intersects(&rect)) {
            continue;
        }
        taken.push(rect);
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            fmt(rect.x),
            fmt(y),
            escape_markup(&text)
        );
    }
    s.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bars_have_round_lengths() {
        assert_eq!(round_length_km(130.0), 100.0);
        assert_eq!(round_length_km(260.0), 200.0);
        assert_eq!(round_length_km(74.0), 50.0);
        assert_eq!(round_length_km(0.5), 1.0);
    }
}
