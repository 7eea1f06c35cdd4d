using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ers.Audit;

/// <summary>
/// What an audit search may ask (<see cref="IAuditTrail.SearchAsync"/>): bad input is a <see cref="Refusal"/> with a
/// stable code, never an exception, so a console page or the <c>ers audit search</c> command can say what to change.
/// </summary>
public static class AuditSearchRules
{
    public const int DefaultPageSize = 50;

    /// <summary>The most records one page holds: bounds one query's cost and one page's memory.</summary>
    public const int MaxPageSize = 500;

    public static Outcome<AuditSearch> Validate(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var from = query.From is { } f ? AuditOrder.Normalise(f) : (DateTimeOffset?)null;
        var to = query.To is { } t ? AuditOrder.Normalise(t) : (DateTimeOffset?)null;
        if (from is not null && to is not null && to <= from)
        {
            return new Refusal(RefusalCodes.AuditSearchRangeInverted,
                $"The time range is empty: it must end after it starts (from {from:O}, to {to:O}).");
        }

        var pageSize = query.PageSize ?? DefaultPageSize;
        if (pageSize is < 1 or > MaxPageSize)
        {
            return new Refusal(RefusalCodes.AuditSearchPageSize,
                $"A page holds 1 to {MaxPageSize} records; {pageSize} was asked for.");
        }

        var user = Blank(query.UserId);
        var session = Blank(query.SessionId);
        var card = Blank(query.CardId);
        var workstation = Blank(query.WorkstationId);
        var ods = Blank(query.OdsCode);
        var fingerprint = Fingerprint(user, session, card, workstation, ods, from, to);
        AuditCursor? after = null;
        if (!string.IsNullOrWhiteSpace(query.Cursor))
        {
            if (!AuditCursor.TryDecode(query.Cursor.Trim(), out var cursor))
            {
                return new Refusal(RefusalCodes.AuditSearchCursorMalformed,
                    "The page cursor is not one this search gave out: start again from the first page.");
            }

            if (cursor.Fingerprint != fingerprint)
            {
                return new Refusal(RefusalCodes.AuditSearchCursorOtherSearch,
                    "The page cursor belongs to a search with other filters: start again from the first page.");
            }

            after = cursor;
        }

        return Outcome<AuditSearch>.Success(new AuditSearch(user, session, card, workstation, ods, from, to, pageSize, after, fingerprint));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // Absent and empty differ, and no field's text can run into the next: a presence byte, a length, the bytes.
    private static ulong Fingerprint(params object?[] filters)
    {
        var text = new StringBuilder();
        foreach (var filter in filters)
        {
            var value = filter switch
            {
                null => null,
                DateTimeOffset time => AuditOrder.Microseconds(time).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => filter.ToString(),
            };
            text.Append(value is null ? "-" : $"+{value.Length}:{value}");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
