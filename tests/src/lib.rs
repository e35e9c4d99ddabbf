//! Whole-system test support (grows with the server and helper).
