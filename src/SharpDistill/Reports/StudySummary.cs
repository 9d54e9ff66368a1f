namespace SharpDistill.Reports;

/// <summary>The report's opening lines: what won and by how much, then what was run where.</summary>
internal static class StudySummary
{
    /// <summary>e.g. "CRLD is the best distilled student: 90.12% test top-1, +1.87 points over Baseline (88.25%); the teacher (resnet56) reaches 93.01%."</summary>
    public static string Sentence(StudyResults results)
    {
        var parts = new List<string>();
        // Over seeds, only the statistics may name a winner (a single run cannot rank methods whose gaps are within seed noise).
        if (results.Seeds is { } seeds) parts.Add(seeds.Headline().TrimEnd('.'));
        else if (results.BestMethod is { } best)
        {
            var text = $"{best.Name} is the best distilled student: {ReportFormat.Percent(best.Best)}% test top-1";
            if (results.Baseline is { } baseline && double.IsFinite(best.GainBest))
                text += $", {ReportFormat.Gain(best.GainBest, typographic: true)} points over {baseline.Name} ({ReportFormat.Percent(baseline.Best)}%)";
            parts.Add(text);
        }
        else if (results.Rows.Any(r => r.Run.Role == StudyRunRole.Method))
        {
            parts.Add("No distilled run has test results yet");
        }
        else if (results.Baseline is { } baseline && double.IsFinite(baseline.Best))
        {
            parts.Add($"{baseline.Name}: {ReportFormat.Percent(baseline.Best)}% test top-1");
        }
        if (results.Teacher is { } teacher && double.IsFinite(teacher.Best))
            parts.Add($"the teacher{Who(teacher)} reaches {ReportFormat.Percent(teacher.Best)}%");
        if (parts.Count == 0) return "No run has test results yet.";
        var sentence = string.Join("; ", parts) + ".";
        return char.ToUpperInvariant(sentence[0]) + sentence[1..];
    }

    /// <summary>" (resnet56)" for a teacher run named "Teacher", " T1 (resnet56)" for one named otherwise.</summary>
    private static string Who(RunResult teacher)
    {
        var name = string.Equals(teacher.Name, "teacher", StringComparison.OrdinalIgnoreCase) ? "" : " " + teacher.Name;
        var model = teacher.Run.Model.Length > 0 ? $" ({teacher.Run.Model})" : "";
        return name + model;
    }

    /// <summary>e.g. "Fashion-MNIST · 7 runs · 8 epochs · generated 2025-06-01 14:02 +02:00".</summary>
    public static string Meta(StudyReportInput input, StudyResults results)
    {
        var parts = new List<string>();
        if (input.Dataset.Length > 0) parts.Add(input.Dataset);
        parts.Add(results.Rows.Count == 1 ? "1 run" : $"{results.Rows.Count} runs");
        var epochs = results.Rows.Where(r => r.HasData).Select(r => r.Epochs).Distinct().Order().ToList();
        if (epochs.Count == 1) parts.Add(epochs[0] == 1 ? "1 epoch" : $"{epochs[0]} epochs");
        else if (epochs.Count > 1) parts.Add($"{epochs[0]}–{epochs[^1]} epochs");
        parts.Add("generated " + ReportFormat.Date(input.GeneratedAt));
        return string.Join(" · ", parts);
    }
}
