using Ers.Audit;

namespace Ers.Grains.Tests.Audit;

/// <summary>The audit search rules both trails share: refusals, the cursor, the order, the filters, the pages.</summary>
public sealed class AuditSearchRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_range_that_ends_before_or_when_it_starts_is_refused_with_its_code()
    {
        var inverted = AuditSearchRules.Validate(new AuditQuery(From: T0, To: T0.AddMinutes(-1)));
        var empty = AuditSearchRules.Validate(new AuditQuery(From: T0, To: T0));
        // Within one microsecond both ends are the same instant to PostgreSQL, so this range is empty too.
        var subMicrosecond = AuditSearchRules.Validate(new AuditQuery(From: T0, To: T0.AddTicks(9)));

        Assert.All([inverted, empty, subMicrosecond], o => Assert.Equal(RefusalCodes.AuditSearchRangeInverted, o.Refusal?.Code));
        Assert.True(AuditSearchRules.Validate(new AuditQuery(From: T0, To: T0.AddTicks(10))).IsSuccess);
        Assert.True(AuditSearchRules.Validate(new AuditQuery(From: T0)).IsSuccess);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(AuditSearchRules.MaxPageSize + 1)]
    [InlineData(int.MaxValue)]
    public void A_page_size_outside_the_bounds_is_refused(int pageSize)
    {
        var outcome = AuditSearchRules.Validate(new AuditQuery(PageSize: pageSize));

        Assert.Equal(RefusalCodes.AuditSearchPageSize, outcome.Refusal?.Code);
        Assert.Contains(AuditSearchRules.MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.Refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_page_size_defaults_and_may_reach_the_maximum()
    {
        Assert.Equal(AuditSearchRules.DefaultPageSize, AuditSearchRules.Validate(new AuditQuery()).Value!.PageSize);
        Assert.Equal(AuditSearchRules.MaxPageSize, AuditSearchRules.Validate(new AuditQuery(PageSize: AuditSearchRules.MaxPageSize)).Value!.PageSize);
        Assert.Equal(1, AuditSearchRules.Validate(new AuditQuery(PageSize: 1)).Value!.PageSize);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("not a cursor at all, but exactly 44 chars!!")]
    [InlineData("AQAGYY3pvoJAC296Po1cSiufDhwtPk9aaxHZJezefRt")]
    [InlineData("AQAGYY3pvoJAC296Po1cSiufDhwtPk9aaxHZJezefRtqA")]
    [InlineData("AgAGYY3pvoJAC296Po1cSiufDhwtPk9aaxHZJezefRtq")]
    [InlineData("AQAGYY3pvoJAC296Po1cSiufDhwtPk9aaxHZJezefR+q")]
    public void A_cursor_no_search_gave_out_is_refused_as_malformed(string cursor)
    {
        var outcome = AuditSearchRules.Validate(new AuditQuery(Cursor: cursor));

        Assert.Equal(RefusalCodes.AuditSearchCursorMalformed, outcome.Refusal?.Code);
    }

    [Fact]
    public void A_cursor_out_of_the_time_range_a_DateTimeOffset_holds_is_refused_as_malformed()
    {
        Span<byte> bytes = stackalloc byte[33];
        bytes[0] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes[1..], long.MaxValue);
        var cursor = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal(RefusalCodes.AuditSearchCursorMalformed, AuditSearchRules.Validate(new AuditQuery(Cursor: cursor)).Refusal?.Code);
    }

    [Fact]
    public void A_cursor_round_trips_and_carries_the_last_record_of_its_page()
    {
        var search = AuditSearchRules.Validate(new AuditQuery(UserId: "u1", From: T0, PageSize: 2)).Value!;
        var records = Enumerable.Range(0, 3).Select(i => Record(T0.AddTicks((i * 1000) + 7), userId: "u1")).ToList();

        var page = search.PageOf(records);

        Assert.Equal(records.Take(2), page.Records);
        Assert.True(AuditCursor.TryDecode(page.NextCursor, out var cursor));
        Assert.Equal((AuditOrder.Normalise(records[1].Time), records[1].Id, search.Fingerprint), (cursor.Time, cursor.Id, cursor.Fingerprint));
        var next = AuditSearchRules.Validate(new AuditQuery(UserId: "u1", From: T0, PageSize: 2, Cursor: page.NextCursor)).Value!;
        Assert.Equal(cursor, next.After);
        Assert.Null(search.PageOf(records.Take(2).ToList()).NextCursor);
    }

    [Fact]
    public void A_cursor_belongs_to_its_filters_but_not_to_its_page_size()
    {
        var first = AuditSearchRules.Validate(new AuditQuery(OdsCode: "RYY", From: T0, PageSize: 1)).Value!;
        var cursor = first.PageOf([Record(T0, ods: "RYY"), Record(T0.AddSeconds(1), ods: "RYY")]).NextCursor;

        Assert.True(AuditSearchRules.Validate(new AuditQuery(OdsCode: "RYY", From: T0, PageSize: 7, Cursor: cursor)).IsSuccess);
        foreach (var other in new[]
                 {
                     new AuditQuery(OdsCode: "RYZ", From: T0, Cursor: cursor),
                     new AuditQuery(OdsCode: "RYY", Cursor: cursor),
                     new AuditQuery(OdsCode: "RYY", From: T0, To: T0.AddDays(1), Cursor: cursor),
                     new AuditQuery(OdsCode: "RYY", From: T0, UserId: "u", Cursor: cursor),
                     // The same text in another field is another search.
                     new AuditQuery(CardId: "RYY", From: T0, Cursor: cursor),
                 })
        {
            Assert.Equal(RefusalCodes.AuditSearchCursorOtherSearch, AuditSearchRules.Validate(other).Refusal?.Code);
        }
    }

    [Fact]
    public void Blank_filters_do_not_filter_and_given_ones_are_trimmed()
    {
        var search = AuditSearchRules.Validate(new AuditQuery(UserId: "  ", CardId: "", WorkstationId: " WS-1 ", Cursor: " ")).Value!;

        Assert.Equal((null, null, "WS-1", null), (search.UserId, search.CardId, search.WorkstationId, search.After));
        Assert.True(search.Matches(Record(T0, workstation: "WS-1")));
        Assert.False(search.Matches(Record(T0, workstation: "WS-2")));
    }

    [Fact]
    public void Every_filter_given_must_match_from_inclusive_to_exclusive_to_the_microsecond()
    {
        var search = AuditSearchRules.Validate(new AuditQuery(UserId: "u", CardId: "c", WorkstationId: "w", OdsCode: "o", SessionId: "s",
            From: T0.AddTicks(5), To: T0.AddMinutes(1))).Value!;
        var match = Record(T0.AddTicks(3), userId: "u", card: "c", workstation: "w", ods: "o", session: "s");

        Assert.True(search.Matches(match)); // From is T0 once cut to the microsecond, as PostgreSQL compares it
        Assert.True(search.Matches(match with { Time = T0.AddMinutes(1).AddTicks(-10) }));
        Assert.False(search.Matches(match with { Time = T0.AddMinutes(1) }));
        Assert.False(search.Matches(match with { Time = T0.AddTicks(-1) }));
        Assert.False(search.Matches(match with { UserId = "v" }));
        Assert.False(search.Matches(match with { CardId = null }));
        Assert.False(search.Matches(match with { WorkstationId = "x" }));
        Assert.False(search.Matches(match with { OdsCode = "p" }));
        Assert.False(search.Matches(match with { SessionId = "t" }));
    }

    [Fact]
    public void Records_after_the_cursor_are_those_later_in_time_then_in_id()
    {
        var at = Record(T0);
        var cursor = new AuditCursor(T0, at.Id, 0);
        var search = AuditSearchRules.Validate(new AuditQuery()).Value! with { After = cursor };

        Assert.False(search.Matches(at));
        Assert.False(search.Matches(at with { Time = T0.AddTicks(9) })); // the same microsecond, the same id
        Assert.True(search.Matches(at with { Time = T0.AddTicks(10) }));
        Assert.False(search.Matches(at with { Time = T0.AddTicks(-10), Id = Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff") }));
        Assert.True(search.Matches(at with { Id = Next(at.Id) }));
        Assert.False(search.Matches(at with { Id = Previous(at.Id) }));
    }

    [Fact]
    public void Ids_are_ordered_as_PostgreSQL_orders_uuid_the_bytes_of_their_text_form()
    {
        var random = new Random(16);
        var ids = Enumerable.Range(0, 2000).Select(_ =>
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }).ToList();

        var byOrder = ids.Order(Comparer<Guid>.Create(AuditOrder.CompareIds)).ToList();
        var byText = ids.OrderBy(id => id.ToString("N"), StringComparer.Ordinal).ToList();

        Assert.Equal(byText, byOrder);
    }

    [Fact]
    public void Times_are_cut_to_the_microsecond_in_UTC()
    {
        var local = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(1)).AddTicks(1234567);

        var normalised = AuditOrder.Normalise(local);

        Assert.Equal(TimeSpan.Zero, normalised.Offset);
        Assert.Equal(T0.AddTicks(1234560), normalised);
    }

    private static Guid Next(Guid id) => Step(id, +1);

    private static Guid Previous(Guid id) => Step(id, -1);

    private static Guid Step(Guid id, int by)
    {
        var bytes = id.ToByteArray(bigEndian: true);
        bytes[15] = (byte)(bytes[15] + by);
        return new Guid(bytes, bigEndian: true);
    }

    private static AuditRecord Record(DateTimeOffset time, string? userId = null, string? card = null, string? workstation = null, string? ods = null, string? session = null) =>
        new(Guid.Parse("7b1d3c9e-5a4f-4e2b-8c6d-0f1e2d3c4b5a"), time, AuditEvent.SessionCreated, AuditOutcome.Success, null,
            UserId: userId, OdsCode: ods, SessionId: session, WorkstationId: workstation, CardId: card);
}
