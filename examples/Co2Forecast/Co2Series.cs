using System.Globalization;

namespace MlNetDeep.Examples.Co2Forecast;

/// <summary>A monthly series: the first month and one value per month, without gaps.</summary>
/// <param name="Start">First month (day 1).</param>
/// <param name="Values">One value per consecutive month.</param>
public sealed record MonthlySeries(DateOnly Start, float[] Values)
{
    /// <summary>The month of value <paramref name="index"/> as a decimal year (1990.0 = January 1990), for plotting.</summary>
    public double YearAt(int index) => Start.Year + (Start.Month - 1 + index) / 12.0;

    /// <summary>The month of value <paramref name="index"/>.</summary>
    public DateOnly MonthAt(int index) => Start.AddMonths(index);
}

/// <summary>Reads vega-datasets' co2-concentration.csv (Date,CO2,adjusted CO2; one row per month, a few months missing).</summary>
public static class Co2Series
{
    /// <summary>
    /// The unadjusted CO2 column over the longest run of consecutive months (the file skips a few early months; no
    /// value is invented). Also returns how many rows the file had.
    /// </summary>
    public static (MonthlySeries Series, int RowsInFile) Load(string path)
    {
        var rows = new List<(DateOnly Month, float Co2)>();
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            var date = DateOnly.ParseExact(fields[0], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            rows.Add((new DateOnly(date.Year, date.Month, 1), float.Parse(fields[1], CultureInfo.InvariantCulture)));
        }
        int bestStart = 0, bestLength = 0;
        for (int start = 0, i = 1; i <= rows.Count; i++)
        {
            if (i < rows.Count && rows[i].Month == rows[i - 1].Month.AddMonths(1)) continue;
            if (i - start > bestLength) (bestStart, bestLength) = (start, i - start);
            start = i;
        }
        var values = rows.Skip(bestStart).Take(bestLength).Select(r => r.Co2).ToArray();
        return (new MonthlySeries(rows[bestStart].Month, values), rows.Count);
    }
}
