using Microsoft.Extensions.Configuration;

namespace Ers.ServiceDefaults;

public static class RequiredSettings
{
    /// <summary>The value of a required setting; throws naming the key (and its environment variable form).</summary>
    public static string GetRequired(this IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ErsConfigurationException(
                $"The setting '{key}' is required (environment variable {key.Replace(":", "__", StringComparison.Ordinal)}).");
        }

        return value;
    }

    /// <summary>A setting that must be one of an enum's names when present.</summary>
    public static TEnum GetEnum<TEnum>(this IConfiguration configuration, string key, TEnum fallback)
        where TEnum : struct, Enum
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ErsConfigurationException(
                $"The setting '{key}' is '{value}'; it must be one of: {string.Join(", ", Enum.GetNames<TEnum>())}.");
    }

    /// <summary>Fails start-up with every problem at once, each naming its setting.</summary>
    public static void ThrowIfAny(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        if (list.Count > 0)
        {
            throw new ErsConfigurationException(string.Join(Environment.NewLine, list));
        }
    }
}
