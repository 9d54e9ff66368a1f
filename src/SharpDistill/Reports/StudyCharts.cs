namespace SharpDistill.Reports;

/// <summary>A rendered chart: the file it is saved as (beside the report) and its SVG text (inlined in the HTML).</summary>
internal sealed record ReportChart(string FileName, string Caption, string Svg);

/// <summary>All the charts of one report; the optional ones are null when they would show nothing.</summary>
internal sealed record StudyChartSet(ReportChart Accuracy, ReportChart? AccuracyFinal, ReportChart? Gains,
    IReadOnlyList<(RunResult Row, ReportChart Chart)> Losses)
{
    /// <summary>Mean per epoch with a band over the seeds; null when no run carries a seed.</summary>
    public ReportChart? SeedAccuracy { get; init; }

    public IEnumerable<ReportChart> All() =>
        new[] { Accuracy, AccuracyFinal, Gains, SeedAccuracy }.OfType<ReportChart>().Concat(Losses.Select(l => l.Chart));
}

/// <summary>
/// The charts of a study report: test top-1 per epoch for every run, the gain of each distilled run
/// over the baseline, and one small chart per run of its training loss terms.
/// </summary>
internal static class StudyCharts
{
    public const string AccuracyFile = "accuracy.svg";
    public const string AccuracyFinalFile = "accuracy_final.svg";
    public const string GainsFile = "gains.svg";
    public static string LossFile(RunResult row) => $"loss_{row.FileStem}.svg";

    public static StudyChartSet Build(StudyResults results) =>
        new(Accuracy(results), AccuracyFinalEpochs(results), Gains(results), results.Rows.Select(r => (r, Loss(r))).ToList())
        {
            SeedAccuracy = results.Seeds is { } seeds ? StudySeedSection.Chart(seeds) : null,
        };

    public static ReportChart Accuracy(StudyResults results)
    {
        var chart = new SvgLineChart
        {
            Title = "Test top-1 accuracy per epoch",
            XLabel = "epoch",
            YLabel = "test top-1 (%)",
            Width = 1000,
            Height = 440,
            IntegerX = true,
        };
        var studentEpochs = StudentEpochs(results);
        foreach (var row in results.Rows)
        {
            var isTeacher = row.Run.Role == StudyRunRole.Teacher && !row.IsBaseline;
            if (isTeacher && row.HasData && studentEpochs > 0 && row.Epochs > studentEpochs && double.IsFinite(row.Best))
            {
                // A teacher trained longer than the students would stretch the epoch axis and squash
                // every student curve into its left part: show its best accuracy as a level line instead.
                chart.Series.Add(new ChartSeries($"{row.Name} (best of {row.Epochs} epochs)",
                    new[] { (1.0, row.Best), (studentEpochs, row.Best) })
                { Colour = row.Colour, Dashed = true, Markers = false });
                continue;
            }
            chart.Series.Add(new ChartSeries(
                row.HasData ? row.Name : $"{row.Name} ({ReportFormat.NoData})",
                row.Run.Metrics.Select(m => ((double)m.Epoch, m.TestTop1)).ToList())
            {
                Colour = row.Colour,
                // The teacher is the ceiling the students aim at, not a competitor: dashed.
                Dashed = isTeacher,
            });
        }
        return new ReportChart(AccuracyFile, "Test top-1 accuracy after each epoch; the teacher dashed.", chart.Render());
    }

    /// <summary>
    /// The students alone over the second half of training, where they differ by a point or two that
    /// the full chart (whose axis also spans the first epochs and the teacher) cannot separate.
    /// Null with fewer than four epochs, where the full chart already shows everything.
    /// </summary>
    public static ReportChart? AccuracyFinalEpochs(StudyResults results)
    {
        var epochs = StudentEpochs(results);
        if (epochs < 4) return null;
        var from = (epochs + 1) / 2;
        var chart = new SvgLineChart
        {
            Title = $"Students, epochs {from}–{epochs}",
            XLabel = "epoch",
            YLabel = "test top-1 (%)",
            Width = 500,
            Height = 300,
            IntegerX = true,
        };
        foreach (var row in results.Rows.Where(r => IsStudent(r) && r.HasData))
            chart.Series.Add(new ChartSeries(row.Name,
                row.Run.Metrics.Where(m => m.Epoch >= from).Select(m => ((double)m.Epoch, m.TestTop1)).ToList())
            { Colour = row.Colour });
        return new ReportChart(AccuracyFinalFile, $"The students' test top-1 over epochs {from}–{epochs}, on a finer scale.", chart.Render());
    }

    private static bool IsStudent(RunResult row) => row.IsBaseline || row.Run.Role != StudyRunRole.Teacher;

    private static int StudentEpochs(StudyResults results) =>
        results.Rows.Where(r => IsStudent(r) && r.HasData).Select(r => r.Epochs).DefaultIfEmpty(0).Max();

    /// <summary>Best test top-1 of each distilled run minus the baseline's; null without a baseline with data or without distilled runs.</summary>
    public static ReportChart? Gains(StudyResults results)
    {
        if (results.Baseline is not { } baseline || !double.IsFinite(baseline.Best)) return null;
        var methods = results.Rows.Where(r => r.Run.Role == StudyRunRole.Method && !r.IsBaseline).ToList();
        if (methods.Count == 0) return null;
        var chart = new SvgBarChart
        {
            Title = $"Gain over {baseline.Name}, best test top-1",
            ValueLabel = $"points over {baseline.Name} ({ReportFormat.Percent(baseline.Best)}%)",
            Width = 500,
        };
        chart.Bars.AddRange(methods.Select(m => new ChartBar(m.Name, m.GainBest)));
        return new ReportChart(GainsFile, $"Best test top-1 of each distilled student minus {baseline.Name}'s best.", chart.Render());
    }

    /// <summary>
    /// The run's loss terms per epoch (as the distiller names them: loss_ce, loss_kd, …) and, when there
    /// are several, their sum (the train loss) dashed, so the share of each term is visible.
    /// </summary>
    public static ReportChart Loss(RunResult row)
    {
        var metrics = row.Run.Metrics;
        var chart = new SvgLineChart
        {
            Title = row.Name,
            XLabel = "epoch",
            YLabel = "loss",
            Width = 500,
            Height = 290,
            IntegerX = true,
        };
        // Terms in the order the distiller first logged them (loss_ce first for every method).
        var terms = metrics.SelectMany(m => m.TrainTerms.Keys).Distinct().ToList();
        foreach (var term in terms)
            chart.Series.Add(new ChartSeries(term,
                metrics.Select(m => ((double)m.Epoch, m.TrainTerms.TryGetValue(term, out var v) ? v : double.NaN)).ToList()));
        if (terms.Count != 1 && metrics.Count > 0)
            chart.Series.Add(new ChartSeries(terms.Count == 0 ? "train_loss" : "total",
                metrics.Select(m => ((double)m.Epoch, m.TrainLoss)).ToList())
            {
                Colour = StudyResults.TeacherColour,
                Dashed = terms.Count > 0,
            });
        return new ReportChart(LossFile(row), row.HasData ? "" : $"{row.Name}: {ReportFormat.NoData}.", chart.Render());
    }
}
