namespace Ers.Web.Apis;

/// <summary>The HTTP status of an RA refusal, the same for the console's pages and the admin API.</summary>
public static class RaRefusalStatus
{
    public static int For(string code) => code switch
    {
        RefusalCodes.UserUnknown or RefusalCodes.SessionUnknown or RefusalCodes.CardUnknown => StatusCodes.Status404NotFound,
        RefusalCodes.RaReasonRequired or RefusalCodes.AuditSearchRangeInverted or RefusalCodes.AuditSearchPageSize
            or RefusalCodes.AuditSearchCursorMalformed or RefusalCodes.AuditSearchCursorOtherSearch => StatusCodes.Status400BadRequest,
        RefusalCodes.CardNotBlocked or RefusalCodes.CardRevoked => StatusCodes.Status409Conflict,
        RefusalCodes.SessionEnded => StatusCodes.Status409Conflict,
        RefusalCodes.DirectoryInvalid or RefusalCodes.RaSearchText => StatusCodes.Status400BadRequest,
        RefusalCodes.DirectoryTooLarge => StatusCodes.Status413PayloadTooLarge,
        RefusalCodes.DirectoryChangedSincePreview => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status403Forbidden,
    };
}
