#include "analysis/AnalysisTypes.h"

#include <cmath>

namespace faultline {

std::vector<double> AnalysisParams::defaultCGrid()
{
    std::vector<double> grid;
    for (int e = -6; e <= 0; ++e)
        grid.push_back(std::pow(10.0, e));
    return grid;
}

} // namespace faultline
