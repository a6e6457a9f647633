//! A page's summary as it appears in lists, and how it serializes.

use serde::Serialize;

/// Page `index`'s summary in a list. It serializes as the summary itself
/// (templates see no difference); a serializer that knows the name `LISTED`
/// may read `LISTED_INDEX` there and stand in what it already has for that
/// page's summary (serve's stamps do, so a summary listed on many pages is
/// taken in once per rebuild, not once per list).
#[derive(Clone)]
pub struct Listed {
    pub index: usize,
    pub value: tera::Value,
}

/// The newtype name a `Listed` serializes under.
pub const LISTED: &str = "huddle::Listed";

thread_local! {
    /// The index of the `Listed` being serialized on this thread, for the
    /// serializer's `serialize_newtype_struct(LISTED, ..)`.
    pub static LISTED_INDEX: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

impl Serialize for Listed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        LISTED_INDEX.with(|slot| slot.set(Some(self.index)));
        serializer.serialize_newtype_struct(LISTED, &self.value)
    }
}
