namespace Ers.Staff;

/// <summary>Which homepage a business function lands on.</summary>
public enum HomepageKind
{
    Referrer = 1,
    Provider = 2,
    Other = 3,
}
