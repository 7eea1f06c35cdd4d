using Ers.Staff;

namespace Ers.Grains.Tests;

public static class Ids
{
    private static long _next = 100_000_000_000 + Random.Shared.Next(0, 1_000_000) * 1000L;

    public static string NewDigits(int length) => Interlocked.Increment(ref _next).ToString().PadLeft(length, '1')[^length..];

    public static string NewCard() => $"card-{Guid.NewGuid():N}";

    public static string NewWorkstation() => $"WS-{Guid.NewGuid():N}"[..16];

    public static string NewSession() => Guid.NewGuid().ToString("N");

    public static RoleProfile Profile(string ods, params string[] activities) =>
        new(NewDigits(12), ods, $"Organisation {ods}", "S8000:G8000:R8000", "Clinical Practitioner Access Role", activities);
}
