using System.Net;
using System.Text.RegularExpressions;

namespace Ers.LoadTests;

/// <summary>
/// Reads a page's own form (the one without an action) the way a browser submits it with the first choice: hidden inputs (the antiforgery
/// token), the first radio button or named submit button, and the first option of each select.
/// </summary>
public static partial class HtmlForm
{
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string html)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        // A page may carry other forms (the session bar's logout): the one that posts back to the page itself, i.e.
        // has no action, is the one a person fills in.
        var forms = Form().Matches(html).Select(m => m.Value).ToList();
        var form = forms.FirstOrDefault(f => Attribute(f[..(f.IndexOf('>') + 1)], "action") is null) ?? forms.FirstOrDefault() ?? html;
        foreach (Match element in Element().Matches(form))
        {
            var tag = element.Value;
            var name = Attribute(tag, "name");
            if (name is null)
            {
                continue;
            }

            var type = (Attribute(tag, "type") ?? (tag.StartsWith("<button", StringComparison.OrdinalIgnoreCase) ? "submit" : "text")).ToLowerInvariant();
            if (type is "hidden" || (type is "radio" or "submit" && named.Add(name)))
            {
                fields.Add(new(name, WebUtility.HtmlDecode(Attribute(tag, "value") ?? "")));
            }
        }

        foreach (Match select in Select().Matches(form))
        {
            var name = Attribute(select.Groups[1].Value, "name");
            var option = Option().Match(select.Groups[2].Value);
            if (name is not null && option.Success && named.Add(name))
            {
                fields.Add(new(name, WebUtility.HtmlDecode(Attribute(option.Value, "value") ?? "")));
            }
        }

        return fields;
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{name}\\s*=\\s*(\"([^\"]*)\"|'([^']*)')", RegexOptions.IgnoreCase);
        return match.Success ? (match.Groups[2].Success ? match.Groups[2].Value : match.Groups[3].Value) : null;
    }

    [GeneratedRegex("<(input|button)\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Element();

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Form();

    [GeneratedRegex("(<select\\b[^>]*>)(.*?)</select>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Select();

    [GeneratedRegex("<option\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Option();
}
