//! # geoevents
//!
//! Turns curated reports of military strikes and attacks into map layers:
//! events are geocoded against a curated place table that knows every
//! spelling of every place, and written as RFC 7946 GeoJSON layers of
//! strikes, attacks and bases, with a table of geodesic strike-to-base
//! distances and bearings.
//!
//! The library reads from `io::Read`, writes to `io::Write` or an output
//! directory, and returns reports as data; the `geoevents` binary is a thin
//! shell around it.
//!
//! ## Quick start
//! ```
//! use geoevents::geocode::PlaceIndex;
//! use geoevents::places::read_places;
//! use geoevents::distance::{inverse, compass16};
//!
//! let csv = "id,name,kind,aliases,name_ar,lat,lon,admin1,country,uncertainty_m,source\n\
//!   al-asad-air-base,Al-Asad Air Base,base,Ain al-Asad,,33.7856,42.4412,Al-Anbar,Iraq,4000,OurAirports ORAA\n\
//!   jurf-al-sakhar,Jurf al-Sakhar,town,Jurf al Saqr,,32.8667,44.2139,Babil,Iraq,5000,Wikipedia\n";
//! let index = PlaceIndex::new(read_places("places.csv".as_ref(), csv.as_bytes())?);
//! let strike = index.resolve("Jurf as-Saqr").unwrap();
//! let base = index.resolve("Ayn al-Asad airbase").unwrap();
//! let g = inverse(strike.position, base.position);
//! assert_eq!(compass16(g.bearing_deg.unwrap()), "WNW");
//! assert!((g.distance_km() - 194.0).abs() < 0.5);
//! # Ok::<(), geoevents::Error>(())
//! ```
#![warn(missing_docs)]

pub mod distance;
pub mod error;
pub mod event_outputs;
pub mod events;
pub mod extract;
pub mod gazetteer;
pub mod geocode;
pub mod line_ends;
pub mod map;
pub mod memory_hints;
pub mod model;
pub mod nearest;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod place_memo;
pub mod places;
pub mod prepared_events;
pub mod read_ahead;
pub mod schemas;
pub mod seen_ids;
pub mod shapes;
pub mod table;
pub mod tally;
pub mod text_slots;

pub use error::{Error, Result};
pub use geocode::PlaceIndex;
pub use pipeline::{build, BuildOptions, BuildReport};
