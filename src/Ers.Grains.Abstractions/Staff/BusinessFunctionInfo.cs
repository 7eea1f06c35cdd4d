namespace Ers.Staff;

/// <summary>One row of the business-function table: the activity code that grants it and its homepage.</summary>
public sealed record BusinessFunctionInfo(BusinessFunction Function, string ActivityCode, string DisplayName, HomepageKind Homepage);
