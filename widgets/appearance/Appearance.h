#pragma once

#include <QString>

class QCustomPlot;

namespace faultline {

// Light or dark: follow the system (the platform theme's palette, as Qt started with it) or
// force one (Fusion with a light or a dark palette). Applies at once to every open window.
enum class Appearance { System, Light, Dark };

QString appearanceName(Appearance appearance);          // "system" | "light" | "dark"
Appearance appearanceFromName(const QString &name);     // unknown names: System
void applyAppearance(Appearance appearance);
bool paletteIsDark();                                   // the application palette's window is dark

// QCustomPlot paints its own white background and black axes: make `plot` use the application
// palette (base, text, mid) now and whenever the palette changes.
void followPalette(QCustomPlot *plot);

} // namespace faultline
