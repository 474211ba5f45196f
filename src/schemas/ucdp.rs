//! UCDP Georeferenced Event Dataset (GED) CSVs, in UCDP's published column
//! layout (`id, relid, year, …, best, high, low`).

use super::{iso_date_prefix, EventFields, Parsed, RowView};
use crate::error::Result;
use crate::model::{EventKind, Located, Precision};

/// The columns read, the id first.
pub const COLUMNS: [&str; 13] = [
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "source_article",
    "source_headline",
    "where_prec",
    "where_coordinates",
    "latitude",
    "longitude",
    "date_start",
    "high",
    "low",
];

/// The columns that become event fields; the rest, `where_prec`, the
/// coordinates and `best` among them, are carried through.
pub const CONSUMED: [&str; 8] = [
    "id",
    "side_a",
    "side_b",
    "source_article",
    "where_coordinates",
    "date_start",
    "high",
    "low",
];

const ID: usize = 0;
const TYPE_OF_VIOLENCE: usize = 1;
const SIDE_A: usize = 2;
const SIDE_B: usize = 3;
const SOURCE_ARTICLE: usize = 4;
const SOURCE_HEADLINE: usize = 5;
const WHERE_PREC: usize = 6;
const WHERE_COORDINATES: usize = 7;
const LATITUDE: usize = 8;
const LONGITUDE: usize = 9;
const DATE_START: usize = 10;
const HIGH: usize = 11;
const LOW: usize = 12;

/// Words of a headline that make a row a strike; looked for first, so a
/// "drone strike" is a strike.
pub const STRIKE_WORDS: [&str; 4] = ["strike", "air raid", "airraid", "bombing"];
/// Words of a headline that make a row an attack.
pub const ATTACK_WORDS: [&str; 7] = [
    "attack", "rocket", "missile", "drone", "mortar", "shelling", "ambush",
];

/// UCDP's `where_prec` in our terms: 1 the exact location, 2 within about
/// 25 km of a known point, 3 a second-order unit (district), 4 a
/// first-order unit (governorate), 5 a linear or wider area, 6 the
/// country, 7 international waters or airspace.
pub fn precision(code: &str) -> Option<Precision> {
    match code {
        "1" => Some(Precision::Town),
        "2" => Some(Precision::NearTown),
        "3" => Some(Precision::Region),
        "4" => Some(Precision::Governorate),
        "5" => Some(Precision::NearGovernorate),
        "6" | "7" => Some(Precision::Country),
        _ => None,
    }
}

/// The kind a headline names, strike words first; `None` when it names
/// neither. UCDP GED types violence by who fought whom, not by what
/// happened, so its headline is the only word on it.
pub fn kind_of_headline(headline: &str) -> Option<EventKind> {
    let text = headline.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&STRIKE_WORDS) {
        Some(EventKind::Strike)
    } else if has(&ATTACK_WORDS) {
        Some(EventKind::Attack)
    } else {
        None
    }
}

/// Maps a UCDP GED row.
pub fn parse(row: &mut RowView<'_>) -> Result<Parsed> {
    let subtype = match row.get(TYPE_OF_VIOLENCE) {
        "1" => "state-based",
        "2" => "non-state",
        "3" => {
            return Ok(Parsed::Skipped(
                "UCDP type_of_violence 3 (one-sided violence against civilians): not a strike or an attack"
                    .to_string(),
            ))
        }
        _ => return Err(row.invalid(TYPE_OF_VIOLENCE, "expected UCDP type_of_violence 1, 2 or 3")),
    };
    let Some(kind) = kind_of_headline(row.get(SOURCE_HEADLINE)) else {
        return Ok(Parsed::Skipped(
            "UCDP source_headline names no strike or attack (README: ACLED and UCDP GED)"
                .to_string(),
        ));
    };
    let date = iso_date_prefix(row.get(DATE_START))
        .map(str::to_string)
        .ok_or_else(|| {
            row.invalid(
                DATE_START,
                "expected a calendar date as YYYY-MM-DD (a time may follow)",
            )
        })?;
    let position = row.position(LATITUDE, LONGITUDE)?;
    let precision = precision(row.get(WHERE_PREC))
        .ok_or_else(|| row.invalid(WHERE_PREC, "expected UCDP where_prec 1 to 7"))?;
    let (low, high) = (row.count(LOW)?, row.count(HIGH)?);
    if let (Some(l), Some(h)) = (low, high) {
        if l > h {
            return Err(row.invalid(HIGH, &format!("lower than the low figure {l}")));
        }
    }
    let fields = EventFields {
        kind,
        subtype: subtype.to_string(),
        actor: row.take(SIDE_A),
        target: row.take(SIDE_B),
        place: row.take(WHERE_COORDINATES),
        killed: (low, high),
        sources: row.take(SOURCE_ARTICLE),
        notes: String::new(),
        located: Located {
            position,
            precision,
            dataset: "UCDP",
        },
    };
    Ok(Parsed::Event(row.event(ID, date, fields)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headlines_name_the_kind_strike_words_first() {
        assert_eq!(
            kind_of_headline("US drone strike kills KH commander"),
            Some(EventKind::Strike)
        );
        assert_eq!(
            kind_of_headline("Drone attack on Ain al-Asad"),
            Some(EventKind::Attack)
        );
        assert_eq!(kind_of_headline("Clashes in Deir ez-Zor"), None);
    }
}
