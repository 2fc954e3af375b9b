import CaptureCore
import MailFormats
