namespace Ers.LoadTests;

/// <summary>A run's report as the two files every run writes: LABEL.json (everything) and LABEL.md (what a reader sees).</summary>
public static class ReportFiles
{
    public static (string Json, string Markdown) Write(string directory, string label, string json, string markdown)
    {
        Directory.CreateDirectory(directory);
        var jsonPath = Path.Combine(directory, label + ".json");
        var markdownPath = Path.Combine(directory, label + ".md");
        File.WriteAllText(jsonPath, json);
        File.WriteAllText(markdownPath, markdown);
        return (jsonPath, markdownPath);
    }
}
