import "../styles/base.css";
import "../styles/popup.css";
import { t } from "../i18n";
import { mount } from "../popup";

document.title = t().windows.popup;
mount(document.body);
