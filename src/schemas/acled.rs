//! ACLED exports: one row per event, in ACLED's published column layout
//! (`event_id_cnty, event_date, year, …, fatalities, tags, timestamp`).

use super::{EventFields, Parsed, RowView};
use crate::error::Result;
use crate::model::{EventKind, Located, Precision};

/// The columns read, the id first.
pub const COLUMNS: [&str; 13] = [
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "source",
    "notes",
];

/// The columns that become event fields. `event_type`, the coordinates and
/// `geo_precision` are carried through as well, since re-geocoding may
/// replace what they say.
pub const CONSUMED: [&str; 9] = [
    "event_id_cnty",
    "event_date",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "fatalities",
    "source",
    "notes",
];

const ID: usize = 0;
const DATE: usize = 1;
const EVENT_TYPE: usize = 2;
const SUB_EVENT_TYPE: usize = 3;
const ACTOR1: usize = 4;
const ACTOR2: usize = 5;
const LOCATION: usize = 6;
const LATITUDE: usize = 7;
const LONGITUDE: usize = 8;
const GEO_PRECISION: usize = 9;
const FATALITIES: usize = 10;
const SOURCE: usize = 11;
const NOTES: usize = 12;

/// Which ACLED types are strikes and which attacks; `None`: neither, the
/// row is skipped and counted. `*` stands for every sub-event type. The
/// README's table is this one.
pub const TYPES: [(&str, &str, Option<EventKind>); 15] = [
    (
        "Explosions/Remote violence",
        "Air/drone strike",
        Some(EventKind::Strike),
    ),
    (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        Some(EventKind::Attack),
    ),
    (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
        Some(EventKind::Attack),
    ),
    (
        "Explosions/Remote violence",
        "Suicide bomb",
        Some(EventKind::Attack),
    ),
    (
        "Explosions/Remote violence",
        "Grenade",
        Some(EventKind::Attack),
    ),
    (
        "Explosions/Remote violence",
        "Chemical weapon",
        Some(EventKind::Attack),
    ),
    ("Battles", "Armed clash", Some(EventKind::Attack)),
    ("Battles", "Government regains territory", None),
    ("Battles", "Non-state actor overtakes territory", None),
    (
        "Violence against civilians",
        "Attack",
        Some(EventKind::Attack),
    ),
    (
        "Violence against civilians",
        "Abduction/forced disappearance",
        None,
    ),
    ("Violence against civilians", "Sexual violence", None),
    ("Protests", "*", None),
    ("Riots", "*", None),
    ("Strategic developments", "*", None),
];

/// ACLED's `geo_precision` in our terms: 1 the town itself, 2 near it (or
/// part of a region, placed at a nearby town), 3 a larger region, placed at
/// its centroid or capital.
pub fn precision(code: &str) -> Option<Precision> {
    match code {
        "1" => Some(Precision::Town),
        "2" => Some(Precision::NearTown),
        "3" => Some(Precision::Governorate),
        _ => None,
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// An ACLED date as `YYYY-MM-DD`: exports give either that or the
/// spelled-out `21 November 2023` (a month's first three letters too).
pub fn date(text: &str) -> Option<String> {
    if crate::events::is_iso_date(text) {
        return Some(text.to_string());
    }
    let mut words = text.split_whitespace();
    let (day, month, year) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some() || day.len() > 2 || year.len() != 4 {
        return None;
    }
    let month = month.to_lowercase();
    let m = MONTHS
        .iter()
        .position(|name| *name == month || (month.len() == 3 && name.starts_with(&month)))?;
    let day: u32 = day.parse().ok()?;
    let iso = format!("{year}-{:02}-{day:02}", m + 1);
    crate::events::is_iso_date(&iso).then_some(iso)
}

/// Maps an ACLED row.
pub fn parse(row: &mut RowView<'_>) -> Result<Parsed> {
    let (event_type, sub) = (row.get(EVENT_TYPE), row.get(SUB_EVENT_TYPE));
    let Some(&(_, known_sub, kind)) = TYPES
        .iter()
        .find(|(t, s, _)| *t == event_type && (*s == "*" || *s == sub))
    else {
        let (column, problem) = match TYPES.iter().any(|(t, _, _)| *t == event_type) {
            true => (SUB_EVENT_TYPE, format!("not an ACLED sub-event type of {event_type} that geoevents knows (README: ACLED and UCDP GED)")),
            false => (EVENT_TYPE, "not an ACLED event type geoevents knows (README: ACLED and UCDP GED)".to_string()),
        };
        return Err(row.invalid(column, &problem));
    };
    let Some(kind) = kind else {
        let what = match known_sub {
            "*" => event_type.to_string(),
            _ => format!("{event_type} / {sub}"),
        };
        return Ok(Parsed::Skipped(format!(
            "ACLED {what}: not a strike or an attack"
        )));
    };
    let date = date(row.get(DATE)).ok_or_else(|| {
        row.invalid(
            DATE,
            "expected a calendar date as YYYY-MM-DD or as 21 November 2023",
        )
    })?;
    let position = row.position(LATITUDE, LONGITUDE)?;
    let precision = precision(row.get(GEO_PRECISION))
        .ok_or_else(|| row.invalid(GEO_PRECISION, "expected ACLED geo_precision 1, 2 or 3"))?;
    let killed = row.count(FATALITIES)?;
    let fields = EventFields {
        kind,
        subtype: row.take(SUB_EVENT_TYPE),
        actor: row.take(ACTOR1),
        target: row.take(ACTOR2),
        place: row.take(LOCATION),
        killed: (killed, killed),
        sources: row.take(SOURCE),
        notes: row.take(NOTES),
        located: Located {
            position,
            precision,
            dataset: "ACLED",
        },
    };
    Ok(Parsed::Event(row.event(ID, date, fields)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_export_spellings() {
        assert_eq!(date("2023-11-21").as_deref(), Some("2023-11-21"));
        assert_eq!(date("21 November 2023").as_deref(), Some("2023-11-21"));
        assert_eq!(date("3 Jan 2024").as_deref(), Some("2024-01-03"));
        for bad in [
            "31 November 2023",
            "21 Novembre 2023",
            "November 21 2023",
            "21 Nov 23",
            "",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
    }
}
