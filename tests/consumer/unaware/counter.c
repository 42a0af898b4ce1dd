/* The library's half: an unlocked counter. */
long hits = 0;
void hit(void) { ++hits; }
