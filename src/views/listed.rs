//! Other pages as a view shows them: a part of a page's `Listing` in a list
//! (`Listed`: its summary, or one of its checklists as the checklists page
//! lists it) and a link to a page (`LinkView`). Both serialize exactly as
//! their content (templates see no difference), marked with the page they
//! come from: a serializer that knows the names `LISTED` and `LINKED` may
//! read `MARKED` there. serve's stamps do, to learn which pages a view read
//! and to take in a listed part once per rebuild, not once per list. A view
//! reads other pages only through these two.

use serde::Serialize;

/// What lists show of one page, converted for Tera once per render (Tera
/// values are shared, so a copy is a pointer copy). Part 0 is the page's
/// summary, part `1 + j` its checklist j as the checklists page lists it.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub parts: Vec<tera::Value>,
}

/// The part of a `Listing` that is the page's summary.
pub const SUMMARY: u32 = 0;

/// Part `part` of page `index`'s `Listing`, in a list.
#[derive(Clone)]
pub struct Listed {
    pub index: usize,
    pub part: u32,
    pub value: tera::Value,
}

/// A link: a title and a URL, and the page it leads to if it is one.
#[derive(Clone)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub url: String,
    pub page: Option<usize>,
}

/// The newtype names the two serialize under.
pub const LISTED: &str = "huddle::Listed";
pub const LINKED: &str = "huddle::Linked";

thread_local! {
    /// The page (and, for a `Listed`, the part) of the `Listed` or
    /// `LinkView` being serialized on this thread, for the serializer's
    /// `serialize_newtype_struct`.
    pub static MARKED: std::cell::Cell<Option<(usize, u32)>> = const { std::cell::Cell::new(None) };
}

impl Serialize for Listed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        MARKED.with(|slot| slot.set(Some((self.index, self.part))));
        serializer.serialize_newtype_struct(LISTED, &self.value)
    }
}

/// What a link shows.
#[derive(Serialize)]
struct LinkFields<'v> {
    title: &'v str,
    url: &'v str,
}

impl Serialize for LinkView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = LinkFields {
            title: self.title,
            url: &self.url,
        };
        match self.page {
            Some(page) => {
                MARKED.with(|slot| slot.set(Some((page, SUMMARY))));
                serializer.serialize_newtype_struct(LINKED, &fields)
            }
            None => fields.serialize(serializer),
        }
    }
}
