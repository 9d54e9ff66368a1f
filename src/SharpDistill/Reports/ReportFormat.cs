using System.Globalization;

namespace SharpDistill.Reports;

/// <summary>How numbers read in a report: the same text in the HTML page and the markdown file.</summary>
internal static class ReportFormat
{
    public const string NoData = "no data";
    /// <summary>Shown where a figure does not apply (the baseline's gain over itself, a gain without a baseline).</summary>
    public const string NotApplicable = "—";

    /// <summary>A top-1 accuracy in percent with two decimals; "NaN" when the epoch diverged.</summary>
    public static string Percent(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsInfinity(v) ? (v > 0 ? "inf" : "-inf") : v.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>A signed difference in points: "+1.23", "-0.40" (ASCII minus unless <paramref name="typographic"/>), "0.00".</summary>
    public static string Gain(double v, bool typographic)
    {
        if (!double.IsFinite(v)) return NotApplicable;
        var text = SvgBarChart.Signed(v, 2);
        return typographic ? text : text.Replace('\u2212', '-');
    }

    public static int GainSign(double v) => double.IsFinite(v) ? Math.Sign(Math.Round(v, 2)) : 0;

    public static string Duration(TimeSpan? time)
    {
        if (time is not { } t) return NotApplicable;
        if (t.TotalSeconds < 60) return $"{t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
        if (t.TotalHours < 1) return $"{(int)t.TotalMinutes} min {t.Seconds:00} s";
        return $"{(int)t.TotalHours} h {t.Minutes:00} min";
    }

    public static string Parameters(long? count) => count switch
    {
        null => "",
        < 1_000 => count.Value.ToString(CultureInfo.InvariantCulture),
        < 1_000_000 => (count.Value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + " k",
        _ => (count.Value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + " M",
    };

    public static string Date(DateTimeOffset when) => when.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);

    public static string Role(StudyRunRole role) => role switch
    {
        StudyRunRole.Teacher => "teacher",
        StudyRunRole.Baseline => "baseline",
        _ => "distilled",
    };
}
